"""Helpers the CUR bad-input cases build their files with: the trimmed real exports, edited."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable
from pathlib import Path

import duckdb

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cur"
LEGACY_CSV = FIXTURES / "legacy-csv-2023-11-trimmed.csv"
LEGACY_PARQUET = FIXTURES / "legacy-parquet-2018-10-trimmed.snappy.parquet"
CUR2_CSV = FIXTURES / "cur2-2026-04-trimmed.csv"
BASELINE = (LEGACY_PARQUET, LEGACY_CSV, CUR2_CSV)


def read_rows(source: Path) -> list[list[str]]:
    with source.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_rows(target: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    data = buffer.getvalue().encode()
    target.write_bytes(gzip.compress(data) if target.name.endswith(".gz") else data)
    return target


def edit_csv(source: Path, name: str, change: Callable[[list[list[str]]], None]) -> Callable[[Path], list[Path]]:
    """A case writer: the CSV's rows (header first) changed in place by ``change``."""

    def write(folder: Path) -> list[Path]:
        rows = read_rows(source)
        change(rows)
        return [write_rows(folder / name, rows)]

    return write


def set_value(column: str, value: str, where_type: str | None = None, count: int = 1):
    """A ``change`` setting ``column`` to ``value`` on the first ``count`` rows (of a line item type)."""

    def change(rows: list[list[str]]) -> None:
        header = rows[0]
        position = header.index(column)
        type_position = next(
            i for i, name in enumerate(header) if name in ("lineItem/LineItemType", "line_item_line_item_type")
        )
        done = 0
        for row in rows[1:]:
            if where_type is not None and row[type_position] != where_type:
                continue
            row[position] = value
            done += 1
            if done == count:
                break

    return change


def rewrite(source: Path, name: str, select: str) -> Callable[[Path], list[Path]]:
    """A case writer: ``with src as (<file>) <select>`` to a new CSV or Parquet file (by suffix)."""

    def write(folder: Path) -> list[Path]:
        target = folder / name
        con = duckdb.connect()
        if source.name.endswith(".parquet"):
            reader = f"read_parquet('{source}')"
        else:
            reader = f"read_csv('{source}', all_varchar = true, header = true)"
        options = "(format parquet)" if name.endswith(".parquet") else "(header, delimiter ',')"
        con.execute(f"copy (with src as (select * from {reader}) {select}) to '{target}' {options}")
        con.close()
        return [target]

    return write
