"""The local Spark warehouse: one process at a time, and the loader's raw Parquet registered before dbt runs."""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from cloudcost.input_errors import InputError
from cloudcost.settings import Settings

LOCK_NAME = ".catalog.lock"
_held: dict[Path, IO[str]] = {}


class CatalogBusy(InputError):
    suffix = "Nothing was run."


def hold_catalog(settings: Settings) -> None:
    """Take the warehouse's catalog for this process (the Derby metastore admits one process) or stop.

    The lock is held until the process ends: the Spark session, once started, lives as long as the process."""
    folder = settings.spark_warehouse.resolve()
    if folder in _held:
        return
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / LOCK_NAME, "w")  # noqa: SIM115 - kept open for the life of the process
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        handle.close()
        raise CatalogBusy(
            f"{folder}: another cloudcost process is using this Spark warehouse (its catalog admits one process "
            "at a time); wait until it has finished, or set CLOUDCOST_SPARK_WAREHOUSE to another folder"
        ) from error
    _held[folder] = handle


def raw_tables(settings: Settings) -> dict[str, str]:
    """The raw tables the loaders wrote, by name: their Parquet folders (finishing an interrupted load first)."""
    from cloudcost.loader.spark_target import finish_pending, raw_folder

    raw = raw_folder(settings)
    if not raw.is_dir():
        return {}
    finish_pending(raw)
    return {
        folder.name: str(folder)
        for folder in sorted(raw.iterdir())
        if folder.is_dir() and not folder.name.startswith(("_", ".")) and any(folder.rglob("*.parquet"))
    }


def prepare_spark(settings: Settings, run_operation: Callable[[list[str]], Any]) -> None:
    """Hold the catalog, then register the raw tables (once per process and warehouse state)."""
    hold_catalog(settings)
    tables = raw_tables(settings)
    if not tables:
        return
    outcome = run_operation(["run-operation", "cloudcost_register_raw", "--args", json.dumps({"tables": tables})])
    if not outcome.success:
        raise RuntimeError(f"registering the raw Parquet tables in the Spark catalog failed: {outcome.exception}")
