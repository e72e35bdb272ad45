"""Turn the paths a user gives into the CUR data files and manifests to read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cloudcost.loader.errors import CurLoadError

FileFormat = Literal["csv", "parquet"]

_DATA_SUFFIXES = (".csv", ".csv.gz", ".parquet")
# AWS writes a small status table beside Athena-ready (Parquet) CUR data; it holds no line items.
STATUS_FOLDER = "cost_and_usage_data_status"
_ZIP_SUFFIXES = (".zip",)
_PARQUET_MAGIC = b"PAR1"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class DataFile:
    """One CUR data file: where it is and how DuckDB reads it."""

    path: Path
    file_format: FileFormat
    size: int


@dataclass
class Discovered:
    data_files: list[DataFile] = field(default_factory=list)
    manifest_files: list[Path] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)


def discover(paths: Sequence[str | Path]) -> Discovered:
    """Expand files and folders (recursively) into data files and manifest JSON files.

    Inside folders, only ``.csv``, ``.csv.gz`` and ``.parquet`` files are data and ``.json`` files are
    manifest candidates; anything else (and hidden files) is ignored. A file named explicitly is always
    data (or a manifest, if it is JSON).
    """
    if not paths:
        raise CurLoadError("No path given: name CUR files or folders to load.")
    found = Discovered()
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise CurLoadError(f"{path} does not exist.")
        if path.is_dir():
            for candidate in _walk(path):
                _classify(candidate, found, seen, explicit=False)
        else:
            _classify(path, found, seen, explicit=True)
    if not found.data_files:
        raise CurLoadError(f"No CUR data files (.csv, .csv.gz, .parquet) found in {', '.join(map(str, paths))}.")
    return found


def _walk(folder: Path) -> Iterable[Path]:
    for candidate in sorted(folder.rglob("*")):
        relative = candidate.relative_to(folder)
        if any(part.startswith(".") or part == STATUS_FOLDER for part in relative.parts):
            continue
        if candidate.is_file():
            yield candidate


def _classify(path: Path, found: Discovered, seen: set[Path], explicit: bool) -> None:
    resolved = path.resolve()
    if resolved in seen:
        return
    seen.add(resolved)
    name = path.name.lower()
    if name.endswith(".json"):
        found.manifest_files.append(resolved)
        return
    if name.endswith(_ZIP_SUFFIXES):
        raise CurLoadError(f"{path} is a ZIP archive, which DuckDB cannot read: unzip it (or export as GZIP).")
    if not explicit and not name.endswith(_DATA_SUFFIXES):
        found.ignored.append(resolved)
        return
    size = resolved.stat().st_size
    if size == 0:
        raise CurLoadError(f"{path} is empty (0 bytes).")
    with resolved.open("rb") as handle:
        head = handle.read(4)
    if head == _ZIP_MAGIC:
        raise CurLoadError(f"{path} is a ZIP archive, which DuckDB cannot read: unzip it (or export as GZIP).")
    file_format: FileFormat = "parquet" if head == _PARQUET_MAGIC or name.endswith(".parquet") else "csv"
    found.data_files.append(DataFile(resolved, file_format, size))
