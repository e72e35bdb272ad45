"""A file's own column names and CSV dialect, read before DuckDB touches it.

DuckDB renames a repeated column (``a`` -> ``a_1``) and treats names that differ only in case as one, so
the header is read here: the names exactly as written (``resourceTags/user:Team`` and
``resourceTags/user:team`` are two AWS tags), a repeated name refused naming both positions, and the
dialect told apart:

* CSV (comma-separated, ``"`` quotes, UTF-8): the common case;
* Athena text (``\\x01``-separated, ``\\N`` for NULL, often without a header row): the header comes from
  the file itself, a sibling ``<file name>.header`` (column names separated by commas or ``\\x01``, one line),
  or the ``columns`` of a legacy manifest that lists the file; without one of these it is refused;
* another delimiter (``;``, tab, ``|``): refused, CUR CSV is comma-separated.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cloudcost.loader.errors import CurLoadError

ATHENA_DELIMITER = "\x01"
ATHENA_NULL = "\\N"
HEADER_SUFFIX = ".header"
MAX_HEADER_BYTES = 4 << 20
_OTHER_DELIMITERS = {";": "';'", "\t": "a tab", "|": "'|'"}
# Any of these in the first row means it is a header row, not data.
_HEADER_MARKERS = ("lineItem/UnblendedCost", "line_item_unblended_cost", "identity/LineItemId", "identity_line_item_id")
_GZIP_MAGIC = b"\x1f\x8b"
# Column prefixes of map-like data whose keys are case-sensitive (tags, cost categories, product attributes):
# two of these differing only in case are two keys; elsewhere (lineItem/, bill/...) they are one column twice.
CASE_SENSITIVE_PREFIXES = ("resourcetags/", "costcategory/", "product/", "resource_tags_", "cost_category_", "product_")


@dataclass(frozen=True)
class CsvHeader:
    """How to read one CSV-like file: its column names, delimiter, NULL spelling, and header row."""

    names: tuple[str, ...]
    delimiter: str = ","
    null_string: str | None = None
    has_header_row: bool = True

    @property
    def is_athena_text(self) -> bool:
        return self.delimiter == ATHENA_DELIMITER


def _first_line(path: Path) -> bytes:
    with path.open("rb") as raw:
        magic = raw.read(2)
    opener = gzip.open if magic == _GZIP_MAGIC else open
    try:
        with opener(path, "rb") as handle:  # type: ignore[operator]
            line = handle.readline(MAX_HEADER_BYTES + 1)
    except (OSError, EOFError) as error:
        raise CurLoadError(f"cannot be read as CSV (corrupt or truncated?): {error}", file=path) from error
    if len(line) > MAX_HEADER_BYTES:
        raise CurLoadError(
            f"the first line is longer than {MAX_HEADER_BYTES:,} bytes: not a CUR header", file=path, line=1
        )
    return line.rstrip(b"\r\n")


def _decode(path: Path, line: bytes, line_number: int = 1) -> str:
    try:
        return line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = line[error.start : error.start + 1]
        raise CurLoadError(
            f"byte {bad!r} at position {error.start + 1} is not UTF-8 (a bad encoding byte)",
            file=path,
            line=line_number,
            fix="CUR files are UTF-8: convert the file (e.g. iconv -f latin1 -t utf-8)",
        ) from error


def check_no_duplicates(path: Path, names: Sequence[str]) -> None:
    """A repeated column (or, outside tags and cost categories, one differing only in case) is refused."""
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        key = name if name.lower().startswith(CASE_SENSITIVE_PREFIXES) else name.lower()
        if key in seen:
            raise CurLoadError(
                f"column {name!r} appears twice, at positions {seen[key]} and {position}; "
                "a CUR has each column once, and which one holds the right values cannot be told",
                file=path,
                fix="Remove one of them (or export the file again)",
            )
        seen[key] = position


def manifest_columns(path: Path, manifests: Sequence[Path]) -> tuple[str, ...] | None:
    """The ``columns`` (category/name) of a legacy manifest listing this file by name, if any."""
    for manifest in manifests:
        try:
            document = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if not isinstance(document, dict):
            continue
        keys = document.get("reportKeys") or document.get("dataFiles") or []
        columns = document.get("columns")
        if not isinstance(columns, list) or not any(str(key).endswith("/" + path.name) for key in keys):
            continue
        names = [f"{c.get('category')}/{c.get('name')}" for c in columns if isinstance(c, dict)]
        if names:
            return tuple(names)
    return None


def _sibling_header(path: Path) -> tuple[str, ...] | None:
    sibling = path.with_name(path.name + HEADER_SUFFIX)
    if not sibling.is_file():
        return None
    text = _decode(sibling, sibling.read_bytes().splitlines()[0] if sibling.stat().st_size else b"")
    delimiter = ATHENA_DELIMITER if ATHENA_DELIMITER in text else ","
    return tuple(next(csv.reader([text], delimiter=delimiter)))


def read_csv_header(path: Path, manifests: Sequence[Path] = ()) -> CsvHeader:
    """Column names and dialect of a CSV, CSV.gz or Athena text file (see the module docstring)."""
    text = _decode(path, _first_line(path))
    if ATHENA_DELIMITER in text:
        fields = text.split(ATHENA_DELIMITER)
        if any(marker in fields for marker in _HEADER_MARKERS):
            header = CsvHeader(tuple(fields), ATHENA_DELIMITER, ATHENA_NULL, has_header_row=True)
        else:
            names = _sibling_header(path) or manifest_columns(path, manifests)
            if names is None:
                raise CurLoadError(
                    "is an Athena text export (\\x01-delimited, \\N for NULL) without a header row, and no "
                    f"header was found: neither a sibling file {path.name}{HEADER_SUFFIX} nor a manifest "
                    "listing the file with its columns",
                    file=path,
                    fix=f"Put the column names on one line in {path.name}{HEADER_SUFFIX}, or load the file "
                    "with its manifest",
                )
            if len(names) != len(fields):
                raise CurLoadError(
                    f"the header found for this Athena text export has {len(names)} columns, its first line "
                    f"{len(fields)}",
                    file=path,
                    line=1,
                    fix="Use the header of this export",
                )
            header = CsvHeader(names, ATHENA_DELIMITER, ATHENA_NULL, has_header_row=False)
    else:
        names = tuple(next(csv.reader([text]), []))
        if len(names) == 1:
            for delimiter, label in _OTHER_DELIMITERS.items():
                if delimiter in names[0]:
                    raise CurLoadError(
                        f"the header is separated by {label}, not commas: a CUR CSV is comma-separated",
                        file=path,
                        line=1,
                        fix="Export it again as CSV (or convert the delimiter to ',')",
                    )
        header = CsvHeader(names)
    check_no_duplicates(path, header.names)
    return header


def parquet_names(path: Path) -> tuple[str, ...] | None:
    """A Parquet file's column names as written; None when pyarrow cannot read its footer (DuckDB then
    reports the damage)."""
    import pyarrow.parquet as pq

    try:
        names = tuple(pq.read_schema(path).names)
    except Exception:  # noqa: BLE001 - any unreadable footer is reported by the DuckDB read that follows
        return None
    check_no_duplicates(path, names)
    return names
