"""Read finance CSV files with DuckDB, recognise their kind by the header and check every value.

Each file becomes a temp table of text values (line = ``rowid + 2``, the header being line 1); a kind's
files are then checked and cast together into one typed table named after the kind (``staged_<kind>``).
Nothing is written to the warehouse here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cloudcost.csv_text import check_csv_file
from cloudcost.finance.errors import FinanceLoadError
from cloudcost.finance.schema import FILE_KINDS, FinanceColumn, FinanceFileKind
from cloudcost.input_numbers import NUMBER_RULE, finite_number_sql
from cloudcost.sql_text import quote_identifier, sql_string

# What each kind of value must look like, as a DuckDB condition on the trimmed text `v` that is true when
# the value is acceptable, and the words used in the error message.
_CHECKS: dict[str, tuple[str, str]] = {
    "period": (
        r"regexp_matches(v, '^[0-9]{4}-[0-9]{2}(-01)?$') "
        r"and try_strptime(left(v, 7) || '-01', '%Y-%m-%d') is not null",
        "a month (YYYY-MM or YYYY-MM-01)",
    ),
    "date": (
        r"regexp_matches(v, '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') and try_strptime(v, '%Y-%m-%d') is not null",
        "a date (YYYY-MM-DD)",
    ),
    "money": (finite_number_sql("v"), f"an amount ({NUMBER_RULE})"),
    "number": (finite_number_sql("v"), f"a number ({NUMBER_RULE})"),
    "currency": ("regexp_matches(v, '^[A-Z]{3}$')", "a currency code (three capital letters, e.g. USD)"),
}

# Cast of the trimmed text {v} to the stored type.
_CASTS: dict[str, str] = {
    "text": "{v}",
    "id": "{v}",
    "currency": "{v}",
    "period": "cast(strptime(left({v}, 7) || '-01', '%Y-%m-%d') as date)",
    "date": "cast(strptime({v}, '%Y-%m-%d') as date)",
    "money": "cast({v} as double)",
    "number": "cast({v} as double)",
}

# An invoice total may differ from amount before tax + tax by rounding to the cent, no more.
INVOICE_TOTAL_ROUNDING = 0.005 + 1e-9


@dataclass(frozen=True)
class ReadFile:
    path: Path
    kind: FinanceFileKind
    table: str
    row_count: int
    headers: tuple[str, ...]


def detect_kind(path: Path, headers: Sequence[str]) -> FinanceFileKind:
    """The one kind whose required columns the header has; a clear error otherwise."""
    present = {h.strip().lower() for h in headers}
    matching = [kind for kind in FILE_KINDS if kind.required_headers <= present]
    if len(matching) == 1:
        return matching[0]
    if len(matching) > 1:
        # the most specific kind wins when one's columns include another's
        matching.sort(key=lambda kind: len(kind.required_headers), reverse=True)
        if len(matching[0].required_headers) > len(matching[1].required_headers):
            return matching[0]
        names = ", ".join(kind.name for kind in matching)
        raise FinanceLoadError(
            f"the header fits several kinds of finance file ({names})",
            file=path,
            line=1,
            fix="Load each kind from its own file.",
        )
    closest = min(FILE_KINDS, key=lambda kind: len(kind.required_headers - present))
    missing = ", ".join(sorted(closest.required_headers - present))
    expected = "; ".join(f"{kind.name}: {', '.join(sorted(kind.required_headers))}" for kind in FILE_KINDS)
    raise FinanceLoadError(
        f"not a known finance file. Closest is {closest.name}, which lacks column(s) {missing}",
        file=path,
        line=1,
        fix=f"Expected columns per kind: {expected}.",
    )


def _first_line(error: Exception) -> str:
    return next((line.strip() for line in str(error).splitlines() if line.strip()), type(error).__name__)


class FinanceReader:
    """Reads finance files into a DuckDB connection and checks them."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._count = 0

    def read(self, path: Path) -> ReadFile:
        shape = check_csv_file(path, FinanceLoadError)  # well-formed UTF-8 CSV, or a clear error
        kind = detect_kind(path, shape.header)
        if shape.row_count == 0 and kind.replace_key:
            raise FinanceLoadError("has a header but no rows", file=path, fix="Add its rows or leave it out.")
        self._count += 1
        table = f"finance_file_{self._count}"
        try:
            self.con.execute(
                f"create temp table {table} as select * from read_csv({sql_string(str(path))}, "
                "header = true, all_varchar = true, sample_size = -1, delim = ',', quote = '\"', escape = '\"')"
            )
        except duckdb.Error as error:
            raise FinanceLoadError(f"cannot be read as CSV: {_first_line(error)}", file=path) from error
        headers = tuple(row[0] for row in self.con.execute(f"describe {table}").fetchall())
        count_row = self.con.execute(f"select count(*) from {table}").fetchone()
        row_count = int(count_row[0]) if count_row else 0
        return ReadFile(path, kind, table, row_count, headers)

    def _value_sql(self, file: ReadFile, column: FinanceColumn) -> str:
        """The trimmed text of a column, NULL when empty or when the optional column is absent."""
        by_lower = {h.strip().lower(): h for h in file.headers}
        header = by_lower.get(column.file_column)
        if header is None:
            return "cast(null as varchar)"
        return f"nullif(trim({quote_identifier(header)}), '')"

    def _check_values(self, file: ReadFile) -> None:
        for column in file.kind.columns:
            value = self._value_sql(file, column)
            if not column.nullable:
                found = self.con.execute(
                    f"select rowid + 2 from {file.table} where {value} is null order by rowid limit 1"
                ).fetchone()
                if found:
                    raise FinanceLoadError(
                        "a value is required", file=file.path, line=found[0], column=column.file_column
                    )
            check = _CHECKS.get(column.kind)
            if check is None:
                continue
            condition, words = check
            found = self.con.execute(
                f"select line, v from (select rowid + 2 as line, {value} as v from {file.table}) as vals "
                f"where v is not null and not ({condition}) order by line limit 1"
            ).fetchone()
            if found:
                raise FinanceLoadError(
                    f"not {words}", file=file.path, line=found[0], column=column.file_column, value=found[1]
                )

    def _typed_select(self, file: ReadFile) -> str:
        parts = [
            f"{_CASTS[column.kind].format(v=self._value_sql(file, column))} as {column.name}"
            for column in file.kind.columns
        ]
        parts.append(f"{sql_string(str(file.path))} as source_file")
        parts.append("cast(rowid + 2 as bigint) as source_line")
        return f"select {', '.join(parts)} from {file.table}"

    def stage(self, files: Sequence[ReadFile]) -> dict[str, str]:
        """Check every file, then combine each kind's files into one typed table; kind -> table name."""
        for file in files:
            self._check_values(file)
        staged: dict[str, str] = {}
        for kind in FILE_KINDS:
            of_kind = [file for file in files if file.kind is kind]
            if not of_kind:
                continue
            table = f"staged_{kind.name}"
            union = "\nunion all\n".join(self._typed_select(file) for file in of_kind)
            self.con.execute(f"create or replace temp table {table} as {union}")
            check_rows(self.con, kind, table)
            staged[kind.name] = table
        return staged


def _first_row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple | None:
    return con.execute(sql).fetchone()


def _shown_sql(kind: FinanceFileKind, name: str) -> str:
    """A key column as the file writes it: months as YYYY-MM."""
    column = next(column for column in kind.columns if column.name == name)
    return f"strftime({name}, '%Y-%m')" if column.kind == "period" else name


def _check_unique(con: duckdb.DuckDBPyConnection, kind: FinanceFileKind, table: str) -> None:
    key = ", ".join(f"coalesce(cast({_shown_sql(kind, c)} as varchar), '')" for c in kind.unique_key)
    found = _first_row(
        con,
        f"select {key}, list(source_file order by source_file, source_line), "
        f"list(source_line order by source_file, source_line) "
        f"from {table} group by all having count(*) > 1 order by 1 limit 1",
    )
    if not found:
        return
    *values, files, lines = found
    described = ", ".join(
        f"{name}={value!r}" for name, value in zip(kind.unique_key, values, strict=True) if value not in ("", None)
    )
    first = f"line {lines[0]}" if files[0] == files[1] else f"{files[0]} line {lines[0]}"
    raise FinanceLoadError(
        f"repeats the {kind.name} row of {first} ({described}); a row may appear once",
        file=files[1],
        line=lines[1],
        fix="Remove the repeated row.",
    )


def _check_exchange_rate(con: duckdb.DuckDBPyConnection, table: str) -> None:
    found = _first_row(
        con,
        f"select source_file, source_line, exchange_rate from {table} where exchange_rate <= 0 "
        "order by source_file, source_line limit 1",
    )
    if found:
        raise FinanceLoadError(
            "is not a positive exchange rate",
            file=found[0],
            line=found[1],
            column="exchange_rate",
            value=found[2],
            fix="Give the units of the row's currency per one unit of the CUR's currency (e.g. 0.9214), "
            "or leave it empty when the row is in the CUR's currency.",
        )


def check_rows(con: duckdb.DuckDBPyConnection, kind: FinanceFileKind, table: str) -> None:
    """Checks across rows and files: repeated keys and each kind's own rules."""
    if kind.unique_key:
        _check_unique(con, kind, table)
    if kind.name in ("invoices", "general_ledger"):
        _check_exchange_rate(con, table)
    if kind.name == "invoices":
        found = _first_row(
            con,
            f"select source_file, source_line, invoice_id, amount_before_tax, tax, total from {table} "
            f"where abs(total - (amount_before_tax + tax)) > {INVOICE_TOTAL_ROUNDING} "
            "order by source_file, source_line limit 1",
        )
        if found:
            raise FinanceLoadError(
                f"invoice {found[2]} has total {found[5]} but amount_before_tax + tax = {found[3]} + {found[4]}",
                file=found[0],
                line=found[1],
                column="total",
                fix="A total may differ from the sum by rounding to the cent, no more.",
            )
        found = _first_row(
            con,
            "select invoice_id, "
            "list(distinct strftime(billing_period, '%Y-%m') order by strftime(billing_period, '%Y-%m')), "
            "max_by(source_file, billing_period), max_by(source_line, billing_period) from "
            f"{table} group by invoice_id having count(distinct billing_period) > 1 order by invoice_id limit 1",
        )
        if found:
            raise FinanceLoadError(
                f"invoice {found[0]} appears in several billing periods ({', '.join(found[1])})",
                file=found[2],
                line=found[3],
                column="billing_period",
                fix="An invoice bills one period: check the invoice id and the period.",
            )
    if kind.name == "business_volumes":
        found = _first_row(
            con,
            f"select source_file, source_line, value from {table} where value < 0 "
            "order by source_file, source_line limit 1",
        )
        if found:
            raise FinanceLoadError(
                "is negative; a business volume counts something that happened",
                file=found[0],
                line=found[1],
                column="value",
                value=found[2],
            )
    if kind.name == "close_calendar":
        found = _first_row(
            con,
            f"select source_file, source_line, strftime(billing_period, '%Y-%m'), closed_on from {table} "
            "where closed_on < billing_period + interval 1 month order by source_file, source_line limit 1",
        )
        if found:
            raise FinanceLoadError(
                f"{found[3]} is before the end of period {found[2]}; a period is closed after it ends",
                file=found[0],
                line=found[1],
                column="closed_on",
            )
