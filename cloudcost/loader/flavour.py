"""Open a CUR file with DuckDB, list its columns and tell which flavour of CUR it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from cloudcost.loader.discovery import DataFile
from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.header import CsvHeader, parquet_names, read_csv_header
from cloudcost.sql_text import quote_identifier, sql_string

# Column names only FOCUS exports have (FOCUS 1.x, as written by AWS Data Exports).
_FOCUS_MARKERS = frozenset({"billedcost", "chargecategory", "chargetype", "effectivecost", "billingaccountid"})
# Map columns only CUR 2.0 has (legacy exports flatten them into one column per key).
CUR2_MAP_COLUMNS = frozenset({"resource_tags", "cost_category", "discount", "product"})


@dataclass(frozen=True)
class SourceColumn:
    """A column of a file: its name as written (``name``), DuckDB's type and how SQL refers to it."""

    name: str
    duckdb_type: str
    ref: str = ""

    @property
    def identifier(self) -> str:
        """The quoted SQL identifier over the file's reader (``ref`` when DuckDB's name differs)."""
        return quote_identifier(self.ref or self.name)


@dataclass(frozen=True)
class InspectedFile:
    data_file: DataFile
    source_format: str  # legacy_csv | legacy_parquet | cur2_csv | cur2_parquet
    columns: tuple[SourceColumn, ...]
    reader_sql: str  # the DuckDB table function reading the file


def csv_reader_sql(data_file: DataFile, header: CsvHeader) -> str:
    """Every field as text (ids keep leading zeros), columns by position (``c1``...), the file's dialect.

    Columns are named by position, not by the header, because DuckDB folds names differing only in case
    (two AWS tags) into one; the sniffer is off, so a ragged line is an error naming its line.
    """
    path = sql_string(str(data_file.path))
    columns = ", ".join(f"'c{position}': 'VARCHAR'" for position in range(1, len(header.names) + 1))
    quote = "''" if header.is_athena_text else "'\"'"
    options = [
        f"columns = {{{columns}}}",
        "auto_detect = false",
        f"header = {'true' if header.has_header_row else 'false'}",
        f"delim = {sql_string(header.delimiter)}",
        f"quote = {quote}",
        f"escape = {quote}",
    ]
    if header.null_string is not None:
        options.append(f"nullstr = {sql_string(header.null_string)}")
    return f"read_csv({path}, {', '.join(options)})"


def parquet_reader_sql(data_file: DataFile) -> str:
    return f"read_parquet({sql_string(str(data_file.path))})"


def inspect(con: duckdb.DuckDBPyConnection, data_file: DataFile, manifests: Sequence[Path] = ()) -> InspectedFile:
    if data_file.file_format == "csv":
        header = read_csv_header(data_file.path, manifests)
        columns = tuple(
            SourceColumn(name, "VARCHAR", f"c{position}") for position, name in enumerate(header.names, start=1)
        )
        return InspectedFile(data_file, detect_flavour(data_file, columns), columns, csv_reader_sql(data_file, header))
    reader = parquet_reader_sql(data_file)
    try:
        described: list[Any] = con.execute(f"describe select * from {reader}").fetchall()
    except duckdb.Error as error:
        raise CurLoadError(
            f"{data_file.path} cannot be read as Parquet (corrupt or truncated?): {first_line(error)}"
        ) from error
    names = parquet_names(data_file.path)
    if names is None or len(names) != len(described):
        names = tuple(str(row[0]) for row in described)
    columns = tuple(SourceColumn(name, str(row[1]), str(row[0])) for name, row in zip(names, described, strict=True))
    return InspectedFile(data_file, detect_flavour(data_file, columns), columns, reader)


def detect_flavour(data_file: DataFile, columns: tuple[SourceColumn, ...]) -> str:
    names = {column.name for column in columns}
    lowered = {name.lower() for name in names}
    if len(lowered & _FOCUS_MARKERS) >= 2:
        raise CurLoadError(
            f"{data_file.path} is a FOCUS export (it has columns such as BilledCost and ChargeCategory): "
            "FOCUS is not supported yet; export a CUR (legacy or CUR 2.0) instead."
        )
    if any("/" in name for name in names):
        generation = "legacy"
    elif names & CUR2_MAP_COLUMNS:
        generation = "cur2"
    else:
        generation = "legacy"
    return f"{generation}_{data_file.file_format}"


def first_line(error: BaseException) -> str:
    """The first line of a DuckDB error, without DuckDB's own prefix noise."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text
