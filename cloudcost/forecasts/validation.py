"""Read one forecast file with DuckDB and check it, naming the file, line, column and value of each problem.

Rules (DESIGN.md §3.6): the required columns are present and filled; dates, times and numbers parse; a
source name is not one the models compute themselves; no two rows share a key within a vintage; a target is
not before its generation date (a usage target day, or a finance month's last day); units, costs and bounds
are not negative, lower ≤ forecast ≤ upper; a finance row's net cost agrees with its public on-demand cost
and expected discount rate; usage host types are known ones (when a list is given).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from cloudcost.csv_text import check_csv_file
from cloudcost.forecasts.tables import (
    COMPUTED_SOURCES,
    PRICING_MODELS,
    FileColumn,
    ForecastKind,
    kind_of_header,
)
from cloudcost.input_errors import InputError
from cloudcost.input_numbers import NUMBER_RULE, finite_number_sql
from cloudcost.sql_text import sql_string

# net cost may differ from public on-demand × (1 − rate) by rounding: the larger of a cent and 0.1 %
NET_COST_TOLERANCE_ABSOLUTE = 0.01
NET_COST_TOLERANCE_RELATIVE = 0.001


class ForecastFileError(InputError):
    """A forecast file (or a set of them) cannot be loaded; nothing was written to the warehouse."""


@dataclass
class Vintage:
    kind: str
    source: str
    generated_at: datetime
    row_count: int
    path: Path


@dataclass
class ForecastFile:
    path: Path
    kind: ForecastKind
    table: str  # temp table of the staging connection with the typed rows (raw columns but loaded_at)
    row_count: int
    vintages: list[Vintage] = field(default_factory=list)


def _reader(path: Path) -> str:
    return (
        f"read_csv({sql_string(str(path))}, all_varchar = true, header = true, auto_detect = true, "
        "delim = ',', quote = '\"', escape = '\"')"
    )


def _header(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    shape = check_csv_file(path, ForecastFileError)  # well-formed UTF-8 CSV, or a clear error
    if shape.row_count == 0:
        raise ForecastFileError("has a header but no rows", file=path, fix="Add the forecast rows or leave it out.")
    try:
        described = con.execute(f"describe select * from {_reader(path)}").fetchall()
    except duckdb.Error as error:
        first = next((line for line in str(error).splitlines() if line.strip()), type(error).__name__)
        raise ForecastFileError(f"cannot be read as CSV: {first}", file=path) from error
    return [str(row[0]) for row in described]


def _cast_sql(column: FileColumn, expr: str) -> str:
    if column.sql_type == "timestamp":
        return f"cast(try_cast({expr} as timestamptz) as timestamp)"
    if column.name == "month":
        return f"coalesce(try_cast({expr} as date), try_cast({expr} || '-01' as date))"
    if column.sql_type == "date":
        return f"try_cast({expr} as date)"
    if column.sql_type == "double precision":
        return f"try_cast({expr} as double)"
    return expr


def _acceptable_sql(column: FileColumn, expr: str) -> str:
    """True when the (non-empty) text value of the column can be typed."""
    if column.sql_type == "double precision":
        return finite_number_sql(expr)
    return f"{_cast_sql(column, expr)} is not null"


_TYPE_WORDS = {
    "timestamp": "a date and time (ISO 8601, e.g. 2026-05-04T09:00:00Z)",
    "date": "a date (YYYY-MM-DD)",
    "double precision": f"a number ({NUMBER_RULE})",
}


class _Checker:
    """Runs one rule after another on the staged rows and raises on the first that finds rows."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
        self.con = con
        self.path = path
        self.table = table

    def first(
        self,
        where: str,
        columns: str,
        message: str,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        """Raise when a row matches `where`; `message` is formatted with the selected columns. With `column`,
        the error names that column and shows the first selected value."""
        found = self.con.execute(
            f"select line_number, {columns}, count(*) over () as matching from {self.table} "
            f"where {where} order by line_number limit 1"
        ).fetchone()
        if found is None:
            return
        line_number, *values, matching = found
        more = f" ({matching - 1} more row(s) like it)" if matching > 1 else ""
        raise ForecastFileError(
            message.format(*values) + more,
            file=self.path,
            line=line_number,
            column=column,
            value=_shown(values[0]) if column and values[0] is not None else None,
            fix=fix,
        )


def read_forecast_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    index: int,
    known_host_types: Collection[str] | None = None,
) -> ForecastFile:
    """Stage, type and check one file; returns where its rows are in `con` (an in-memory DuckDB in UTC)."""
    header = [name.strip().lower() for name in _header(con, path)]
    kind = kind_of_header(header)
    if kind is None:
        raise ForecastFileError(
            "not a forecast file: a usage forecast has the columns source, generated_at, host_type, "
            "target_date, normalized_units; a finance forecast has source, generated_at, month, "
            "service_code, pricing_model, public_on_demand_cost, expected_discount_rate, net_cost "
            f"(found: {', '.join(header)})",
            file=path,
            line=1,
        )
    known_names = {column.name for column in kind.columns}
    unknown = [name for name in header if name not in known_names]
    if unknown:
        raise ForecastFileError(
            f"unknown column(s) {', '.join(unknown)} for a {kind.name} forecast file",
            file=path,
            line=1,
            fix=f"The columns are: {', '.join(column.name for column in kind.columns)}.",
        )
    missing = [column.name for column in kind.columns if column.required and column.name not in header]
    if missing:
        raise ForecastFileError(f"missing required column(s) {', '.join(missing)}", file=path, line=1)

    text_table = f"forecast_text_{index}"
    selected = ", ".join(
        f"nullif(trim(\"{column.name}\"), '') as {column.name}"
        if column.name in header
        else f"cast(null as varchar) as {column.name}"
        for column in kind.columns
    )
    con.execute(
        f"create or replace temp table {text_table} as "
        f"select row_number() over () + 1 as line_number, {selected} from {_reader(path)}"
    )
    checker = _Checker(con, path, text_table)
    for column in kind.columns:
        if column.required:
            checker.first(f"{column.name} is null", column.name, "is empty; every row needs one", column=column.name)
    for column in kind.columns:
        if column.sql_type == "varchar":
            continue
        words = _TYPE_WORDS[column.sql_type] if column.name != "month" else "a month (YYYY-MM or YYYY-MM-01)"
        checker.first(
            f"{column.name} is not null and not ({_acceptable_sql(column, column.name)})",
            column.name,
            f"not {words}",
            column=column.name,
        )
    if kind.file_column("currency") is not None:
        checker.first(
            "currency is not null and not regexp_matches(currency, '^[A-Za-z]{3}$')",
            "currency",
            "not a currency code (three letters, e.g. USD)",
            column="currency",
        )

    typed_table = f"forecast_rows_{index}"
    typed = ", ".join(f"{_typed_value(column)} as {column.raw_name}" for column in kind.columns)
    con.execute(
        f"create or replace temp table {typed_table} as "
        f"select line_number, {typed}, {sql_string(str(path))} as source_file from {text_table}"
    )
    checker = _Checker(con, path, typed_table)
    _check_rules(checker, kind, known_host_types)
    con.execute(f"drop table {text_table}")

    vintages = [
        Vintage(kind=kind.name, source=source, generated_at=generated_at, row_count=int(rows), path=path)
        for source, generated_at, rows in con.execute(
            f"select forecast_source, generated_at, count(*) from {typed_table} "
            "group by all order by forecast_source, generated_at"
        ).fetchall()
    ]
    row_count = sum(vintage.row_count for vintage in vintages)
    return ForecastFile(path=path, kind=kind, table=typed_table, row_count=row_count, vintages=vintages)


def _typed_value(column: FileColumn) -> str:
    if column.raw_name == "forecast_source":
        return f"lower({column.name})"
    if column.name == "currency":
        return "coalesce(upper(currency), 'USD')"
    if column.name == "month":
        return f"cast(date_trunc('month', {_cast_sql(column, column.name)}) as date)"
    return _cast_sql(column, column.name)


def _check_rules(checker: _Checker, kind: ForecastKind, known_host_types: Collection[str] | None) -> None:
    computed = ", ".join(sql_string(name) for name in COMPUTED_SOURCES)
    checker.first(
        f"forecast_source in ({computed})",
        "forecast_source",
        "is the name of a forecast the models compute",
        column="source",
        fix="Give the submitted forecast its own name.",
    )
    key = ", ".join(("forecast_source", "generated_at", *kind.grain))
    _check_duplicates(checker, kind, key)
    if kind.name == "usage":
        _check_usage_rules(checker, known_host_types)
    else:
        _check_finance_rules(checker)


def _check_usage_rules(checker: _Checker, known_host_types: Collection[str] | None) -> None:
    checker.first(
        "target_date < cast(generated_at as date)",
        "target_date, generated_at",
        "is before the generation date of generated_at {1}",
        column="target_date",
        fix="A forecast is of days on or after the day it was made.",
    )
    for column in ("normalized_units", "lower_bound", "upper_bound"):
        checker.first(f"{column} < 0", column, "is negative", column=column, fix="Units are never negative.")
    checker.first(
        "(lower_bound is null) <> (upper_bound is null)",
        "lower_bound, upper_bound",
        "an interval needs both lower_bound and upper_bound; the row has only one",
    )
    checker.first(
        "lower_bound > normalized_units or upper_bound < normalized_units",
        "lower_bound, normalized_units, upper_bound",
        "the forecast is outside its interval: lower_bound {} ≤ normalized_units {} ≤ upper_bound {} does not hold",
    )
    if known_host_types is not None:
        known = ", ".join(sql_string(name) for name in sorted(known_host_types)) or "null"
        checker.first(
            f"host_type not in ({known})",
            "host_type",
            "unknown host type: marts.dim_host_type does not list it",
            column="host_type",
            fix="Host types come from the CUR and the mapping rules; check the spelling or build first.",
        )


def _check_finance_rules(checker: _Checker) -> None:
    checker.first(
        f"{_month_end('forecast_month')} < cast(generated_at as date)",
        "strftime(forecast_month, '%Y-%m'), generated_at",
        "ended before the generation date of generated_at {1}",
        column="month",
        fix="A forecast is of months that have not ended when it is made.",
    )
    pricing = ", ".join(sql_string(name) for name in PRICING_MODELS)
    checker.first(
        f"pricing_model not in ({pricing})",
        "pricing_model",
        f"not one of {', '.join(PRICING_MODELS)}",
        column="pricing_model",
    )
    for column in ("public_on_demand_cost", "net_cost"):
        checker.first(f"{column} < 0", column, "is negative", column=column, fix="Costs are never negative.")
    checker.first(
        "expected_discount_rate < 0 or expected_discount_rate > 1",
        "expected_discount_rate",
        "is not between 0 and 1",
        column="expected_discount_rate",
    )
    checker.first(
        "abs(net_cost - public_on_demand_cost * (1 - expected_discount_rate)) > "
        f"greatest({NET_COST_TOLERANCE_ABSOLUTE}, {NET_COST_TOLERANCE_RELATIVE} * public_on_demand_cost)",
        "net_cost, public_on_demand_cost, expected_discount_rate",
        "does not equal public_on_demand_cost {1} × (1 − expected_discount_rate {2})",
        column="net_cost",
    )


def _check_duplicates(checker: _Checker, kind: ForecastKind, key: str) -> None:
    found = checker.con.execute(
        f"select min(line_number), max(line_number), forecast_source, generated_at, count(*) over () "
        f"from {checker.table} group by {key} having count(*) > 1 order by min(line_number) limit 1"
    ).fetchone()
    if found is None:
        return
    first_line, second_line, source, generated_at, groups = found
    more = f" ({groups - 1} more duplicated key(s))" if groups > 1 else ""
    raise ForecastFileError(
        f"duplicate key: the row repeats line {first_line}: source {source!r} generated at {generated_at} has two "
        f"rows for the same {', '.join(kind.grain)}{more}",
        file=checker.path,
        line=second_line,
        fix="Keep one row per key.",
    )


def _shown(value: object) -> object:
    """Numbers and text as they are; dates and times as their ISO text."""
    return value if isinstance(value, (int, float, str)) else str(value)


def _month_end(expr: str) -> str:
    return f"cast({expr} + interval 1 month - interval 1 day as date)"
