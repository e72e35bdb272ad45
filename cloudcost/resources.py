"""How much memory and how many threads DuckDB may use, and where it spills (the loader and the build alike).

DuckDB's own defaults (80 % of physical memory, temporary files beside the database) let one big load or build
take most of a shared machine. cloudcost sets, on every DuckDB connection that reads or writes line items:

- ``memory_limit``: ``CLOUDCOST_DUCKDB_MEMORY_LIMIT`` (e.g. ``1500MB``, ``2GB``), by default one sixteenth of
  physical memory, at least 1 GiB and at most 4 GiB; past it DuckDB spills to disk instead of growing;
- ``threads``: ``CLOUDCOST_DUCKDB_THREADS``, by default the number of CPUs;
- ``temp_directory``: ``CLOUDCOST_DUCKDB_TEMP_DIRECTORY``, by default ``<warehouse file>.tmp`` beside the
  warehouse (the disk that holds the warehouse holds its spill files);
- ``preserve_insertion_order = false``: no step depends on the order rows are inserted in, and keeping it costs
  memory in large inserts.

The build gets the same values through the dbt profile (``settings:`` of the DuckDB output; the spill folder
through the project's on-run-start hook, ``macros/duckdb_spill.sql``), read from the environment
``cloudcost.dbt_runner`` exports, so one setting bounds both.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from cloudcost.input_errors import InputError
from cloudcost.sql_text import sql_string

MEMORY_ENV = "CLOUDCOST_DUCKDB_MEMORY_LIMIT"
THREADS_ENV = "CLOUDCOST_DUCKDB_THREADS"
TEMP_ENV = "CLOUDCOST_DUCKDB_TEMP_DIRECTORY"
MIB = 1 << 20
MIN_MEMORY_MIB = 1024
MAX_DEFAULT_MEMORY_MIB = 4096
MEMORY_SHARE = 1 / 16
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KIB|MIB|GIB|TIB)?\s*$", re.IGNORECASE)
_UNIT_MIB = {"KB": 1 / 1024, "KIB": 1 / 1024, "MB": 1, "MIB": 1, "GB": 1024, "GIB": 1024, "TB": 1 << 20, "TIB": 1 << 20}


@dataclass(frozen=True)
class DuckDBResources:
    memory_limit_mib: int
    threads: int
    temp_directory: Path

    def statements(self) -> list[str]:
        """``set`` statements for a connection already open."""
        return [f"set {name} = {_literal(value)}" for name, value in self.values().items()]

    def values(self) -> dict[str, str]:
        return {
            "memory_limit": f"{self.memory_limit_mib}MiB",
            "threads": str(self.threads),
            "temp_directory": str(self.temp_directory),
            "preserve_insertion_order": "false",
        }

    def environment(self) -> dict[str, str]:
        """The variables the dbt profile reads (exported before dbt runs)."""
        return {
            MEMORY_ENV: f"{self.memory_limit_mib}MiB",
            THREADS_ENV: str(self.threads),
            TEMP_ENV: str(self.temp_directory),
        }


def _literal(value: str) -> str:
    if value in {"true", "false"} or value.isdigit():
        return value
    return sql_string(value)


def physical_memory_mib() -> int | None:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // MIB)
    except (ValueError, OSError, AttributeError):
        return None


def default_memory_mib() -> int:
    """One sixteenth of physical memory, between 1 GiB and 4 GiB."""
    physical = physical_memory_mib()
    if physical is None:
        return MIN_MEMORY_MIB
    return max(MIN_MEMORY_MIB, min(MAX_DEFAULT_MEMORY_MIB, int(physical * MEMORY_SHARE)))


def parse_memory_mib(text: str) -> int:
    """``1500MB``, ``2GB``, ``2 GiB`` or a number of MiB; an InputError naming the variable otherwise."""
    match = _SIZE.match(text)
    if match is None:
        raise InputError(f"{MEMORY_ENV} must be a size such as 1500MB or 2GB", value=text, fix="Set it or unset it")
    number, unit = match.groups()
    mib = int(float(number) * _UNIT_MIB[(unit or "MB").upper()])
    if mib < 128:
        raise InputError(f"{MEMORY_ENV} must be at least 128MB", value=text)
    return mib


def parse_threads(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise InputError(f"{THREADS_ENV} must be a whole number of threads, 1 or more", value=text)
    return int(text)


def duckdb_resources(duckdb_path: Path | None = None, spill_folder: Path | None = None) -> DuckDBResources:
    """The resources from the environment, with the machine's defaults for what is not set.

    Spill files go to ``CLOUDCOST_DUCKDB_TEMP_DIRECTORY``, else ``<duckdb_path>.tmp``, else ``spill_folder``,
    else a folder in the system's temporary directory (connections without a warehouse file)."""
    memory = os.environ.get(MEMORY_ENV, "").strip()
    threads = os.environ.get(THREADS_ENV, "").strip()
    temp = os.environ.get(TEMP_ENV, "").strip()
    if temp:
        temp_directory = Path(temp)
    elif duckdb_path is not None:
        temp_directory = duckdb_path.with_name(duckdb_path.name + ".tmp")
    elif spill_folder is not None:
        temp_directory = spill_folder
    else:
        import tempfile

        temp_directory = Path(tempfile.gettempdir()) / f"cloudcost-duckdb-{os.getuid()}"
    return DuckDBResources(
        memory_limit_mib=parse_memory_mib(memory) if memory else default_memory_mib(),
        threads=parse_threads(threads) if threads else (os.cpu_count() or 1),
        temp_directory=temp_directory.absolute(),
    )


def apply(con: object, resources: DuckDBResources) -> None:
    """Set the resources on an open DuckDB connection."""
    for statement in resources.statements():
        con.execute(statement)  # type: ignore[attr-defined]
