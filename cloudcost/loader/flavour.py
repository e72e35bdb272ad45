"""Open a CUR file with DuckDB, list its columns and tell which flavour of CUR it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from cloudcost.loader.discovery import DataFile
from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.naming import sql_string

# Column names only FOCUS exports have (FOCUS 1.x, as written by AWS Data Exports).
_FOCUS_MARKERS = frozenset({"billedcost", "chargecategory", "chargetype", "effectivecost", "billingaccountid"})
# Map columns only CUR 2.0 has (legacy exports flatten them into one column per key).
CUR2_MAP_COLUMNS = frozenset({"resource_tags", "cost_category", "discount", "product"})


@dataclass(frozen=True)
class SourceColumn:
    name: str
    duckdb_type: str


@dataclass(frozen=True)
class InspectedFile:
    data_file: DataFile
    source_format: str  # legacy_csv | legacy_parquet | cur2_csv | cur2_parquet
    columns: tuple[SourceColumn, ...]

    @property
    def reader_sql(self) -> str:
        return reader_sql(self.data_file)


def reader_sql(data_file: DataFile) -> str:
    """The DuckDB table function reading one file: every CSV field as text (ids keep leading zeros)."""
    path = sql_string(str(data_file.path))
    if data_file.file_format == "parquet":
        return f"read_parquet({path})"
    return f"read_csv({path}, all_varchar = true, header = true, delim = ',', quote = '\"', escape = '\"')"


def inspect(con: duckdb.DuckDBPyConnection, data_file: DataFile) -> InspectedFile:
    try:
        described: list[Any] = con.execute(f"describe select * from {reader_sql(data_file)}").fetchall()
    except duckdb.Error as error:
        kind = "Parquet" if data_file.file_format == "parquet" else "CSV"
        raise CurLoadError(
            f"{data_file.path} cannot be read as {kind} (corrupt or truncated?): {first_line(error)}"
        ) from error
    columns = tuple(SourceColumn(str(row[0]), str(row[1])) for row in described)
    return InspectedFile(data_file, detect_flavour(data_file, columns), columns)


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
