"""Check that a small CSV input file (finance, forecasts) is well-formed text before DuckDB reads it.

DuckDB's own CSV errors are accurate but say little a user can act on ("CSV Error on Line: 2"). This pass
reads the file once with Python's ``csv`` module and refuses, naming the line (and the byte or column):

* a missing or unreadable file, a gzip file that is not gzip, an empty file;
* text that is not UTF-8 (a byte order mark is fine) or holds NUL bytes (UTF-16, a binary file);
* a file separated by ``;``, tabs or ``|`` instead of commas;
* a header with an unnamed or repeated column;
* a row with more or fewer fields than the header, an unclosed quote, a field over 128 KiB.

Blank lines are skipped, as DuckDB skips them. The error class is the caller's (a subclass of
:class:`cloudcost.input_errors.InputError`), so every loader reports through the one error base.
"""

from __future__ import annotations

import csv
import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cloudcost.input_errors import InputError

OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars", "\x01": "\\x01 characters"}
SAVE_AS_CSV = "Save the file as CSV UTF-8 (comma-separated) and load it again."
QUOTING_FIX = 'A value that contains a comma or a line break must be in double quotes ("a, b").'


@dataclass(frozen=True)
class CsvShape:
    header: tuple[str, ...]  # column names as written, stripped
    row_count: int  # data rows, blank lines not counted


class _Lines:
    """Decoded lines of a file, counting physical lines; raises the caller's error on a bad byte."""

    def __init__(self, raw: BinaryIO, path: Path, error: type[InputError]) -> None:
        self.raw = raw
        self.path = path
        self.error = error
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for raw_line in self.raw:
            self.number += 1
            if b"\x00" in raw_line:
                raise self.error(
                    "holds NUL bytes: it is not UTF-8 text (a UTF-16 export or a binary file?)",
                    file=self.path,
                    line=self.number,
                    fix=SAVE_AS_CSV,
                )
            try:
                text = raw_line.decode("utf-8-sig" if self.number == 1 else "utf-8")
            except UnicodeDecodeError as bad:
                raise self.error(
                    f"is not UTF-8 text: byte {bad.object[bad.start : bad.end]!r} at position {bad.start + 1} "
                    "of the line (a Latin-1 or Windows-1252 export?)",
                    file=self.path,
                    line=self.number,
                    fix=SAVE_AS_CSV,
                ) from None
            yield text


def _check_header(header: list[str], path: Path, error: type[InputError]) -> tuple[str, ...]:
    names = tuple(name.strip() for name in header)
    if len(names) == 1:
        for delimiter, words in OTHER_DELIMITERS.items():
            if delimiter in header[0]:
                raise error(
                    f"is separated by {words}, not by commas",
                    file=path,
                    line=1,
                    fix=SAVE_AS_CSV,
                )
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if not name:
            raise error(
                f"column {position} of the header has no name",
                file=path,
                line=1,
                fix="Name the column or remove it (an empty column at the end of a spreadsheet export?).",
            )
        key = name.lower()
        if key in seen:
            raise error(
                f"the header has the column {name!r} twice (columns {seen[key]} and {position})",
                file=path,
                line=1,
                column=name,
                fix="Keep one of them.",
            )
        seen[key] = position
    return names


def _read(lines: _Lines, path: Path, error: type[InputError]) -> CsvShape:
    reader = csv.reader(lines, strict=True)
    header: tuple[str, ...] | None = None
    rows = 0
    while True:
        start = lines.number + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as bad:
            text = str(bad)
            if "field larger than field limit" in text:
                reason = f"a field is longer than {csv.field_size_limit():,} characters (a quote not closed?)"
            elif "unexpected end of data" in text:
                reason = 'a quoted field is not closed (a " without its closing ")'
            else:
                reason = f"is not valid CSV ({text})"
            raise error(reason, file=path, line=start, fix=QUOTING_FIX) from None
        if not record:
            continue  # a blank line
        if header is None:
            header = _check_header(record, path, error)
            continue
        if len(record) != len(header):
            more_or_fewer = "more" if len(record) > len(header) else "fewer"
            raise error(
                f"the row has {len(record)} fields, {more_or_fewer} than the {len(header)} columns of the header",
                file=path,
                line=start,
                fix=QUOTING_FIX
                if len(record) > len(header)
                else "Every row needs a value (or an empty field) for each column.",
            )
        rows += 1
    if header is None:
        raise error("the file is empty (a header line is needed at least)", file=path)
    return CsvShape(header=header, row_count=rows)


def check_csv_file(path: Path, error: type[InputError]) -> CsvShape:
    """Read the whole file once and raise ``error`` (file, line, why, what to do) at its first fault."""
    if not path.exists():
        raise error("no such file or folder", file=path, fix="Check the path.")
    if not path.is_file():
        raise error("is not a file", file=path, fix="Name a CSV file, or a folder of them.")
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as unzipped:
                return _read(_Lines(unzipped, path, error), path, error)  # type: ignore[arg-type]
        with path.open("rb") as raw:
            return _read(_Lines(raw, path, error), path, error)
    except (gzip.BadGzipFile, EOFError, zlib.error) as bad:
        raise error(f"is not a readable gzip file ({bad})", file=path, fix="Compress it again with gzip.") from None
    except OSError as bad:
        raise error(f"cannot be read: {bad.strerror or bad}", file=path, fix="Check its permissions.") from None
