"""Read and validate one company CSV file against its spec (``spec.py``), through the one validation path.

Lines whose first non-blank character is ``#`` are comments (the starter files explain themselves that way)
and blank lines are skipped; line numbers in errors are the file's own. Every problem is one
:class:`CompanyFileError` naming the file, line, column and value.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cloudcost.company.spec import ColumnSpec, FileSpec
from cloudcost.input_errors import InputError

BOOLEANS = {"true", "false"}
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


class CompanyFileError(InputError):
    """A company folder file cannot be used; dbt was not run."""

    suffix = "Nothing was built."


@dataclass
class CompanyTable:
    spec: FileSpec
    path: Path
    columns: list[str]  # the spec's columns, in spec order
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, values by column)

    def as_csv_text(self) -> str:
        """The validated table as plain CSV (no comments), the spec's columns in the spec's order."""
        from io import StringIO

        buffer = StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        for _, values in self.rows:
            writer.writerow([values.get(column, "") for column in self.columns])
        return buffer.getvalue()


def data_lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CompanyFileError("is not UTF-8 text", file=path, fix="Save it as UTF-8 CSV (comma separated)") from error
    kept = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            kept.append((number, line))
    return kept


def _check_value(spec: FileSpec, column: ColumnSpec, value: str, path: Path, number: int) -> None:
    def fail(why: str, fix: str) -> None:
        raise CompanyFileError(why, file=path, line=number, column=column.name, value=value, fix=fix)

    if value == "":
        if column.required:
            fail(f"{column.name} is required in {spec.file_name}", f"Fill in {column.name} on this row")
        return
    if column.kind == "integer":
        try:
            int(value)
        except ValueError:
            fail("is not a whole number", "Write digits only, e.g. 10")
    elif column.kind == "number":
        try:
            number = Decimal(value)
        except InvalidOperation:
            fail("is not a number", "Write a plain number with a dot for decimals, e.g. 0.80")
        if not number.is_finite():
            fail("is not a finite number", "Write a plain number with a dot for decimals, e.g. 0.80")
    elif column.kind == "date":
        try:
            if len(value) != 10:
                raise ValueError(value)
            date.fromisoformat(value)
        except ValueError:
            fail("is not a date", "Write dates as YYYY-MM-DD, e.g. 2026-01-01")
    elif column.kind == "boolean" and value.lower() not in BOOLEANS:
        fail("is not true or false", "Write true or false")
    if column.accepted and value not in column.accepted:
        fail(f"is not one of {', '.join(column.accepted)}", f"Use one of: {', '.join(column.accepted)}")


def _check_header(spec: FileSpec, header: list[str], path: Path, number: int) -> None:
    known = {column.name for column in spec.columns}
    for name in header:
        if name not in known:
            raise CompanyFileError(
                f"unknown column in {spec.file_name}",
                file=path,
                line=number,
                column=name,
                fix=f"The columns are: {', '.join(sorted(known))}",
            )
    if len(set(header)) != len(header):
        duplicate = next(name for name in header if header.count(name) > 1)
        raise CompanyFileError("column named twice", file=path, line=number, column=duplicate, fix="Keep one")
    for column in spec.columns:
        if column.required and column.name not in header:
            raise CompanyFileError(
                f"required column {column.name} is missing from the header",
                file=path,
                line=number,
                column=column.name,
                fix=f"Add {column.name} to the first (non-comment) line",
            )


def _check_windows(spec: FileSpec, path: Path, rows: list[tuple[int, dict[str, str]]]) -> None:
    if not spec.effective_dated or spec.column("valid_to") is None:
        return
    for number, values in rows:
        valid_from, valid_to = values.get("valid_from", ""), values.get("valid_to", "")
        if valid_from and valid_to and valid_to <= valid_from:
            raise CompanyFileError(
                "valid_to must be after valid_from (valid_to is exclusive)",
                file=path,
                line=number,
                column="valid_to",
                value=valid_to,
                fix="Close a row on the day its successor starts, after the day it started",
            )


def _rate_problem(values: dict[str, str], reporting: str) -> tuple[str, str, str] | None:
    """(column, why, fix) of what is wrong with one exchange_rates.csv row; None when it is usable."""
    for column in ("currency", "reporting_currency"):
        if not CURRENCY_CODE.match(values[column]):
            return column, "is not a currency code", "Write the ISO 4217 code in capitals, e.g. USD, EUR, INR"
    if Decimal(values["rate"]) <= 0:
        return "rate", "an exchange rate must be positive", "Write units of reporting_currency per one currency"
    if values["currency"] == values["reporting_currency"]:
        return "currency", "converts the reporting currency into itself", "Remove the row: its rate is always 1"
    if values["reporting_currency"] != reporting:
        why = f"differs from {reporting} on an earlier row: there is one reporting currency"
        return "reporting_currency", why, f"Convert every currency into {reporting}"
    return None


def _check_exchange_rates(path: Path, rows: list[tuple[int, dict[str, str]]]) -> None:
    """exchange_rates.csv: ISO codes, positive rates, one reporting currency, no rate into itself."""
    for number, values in rows:
        problem = _rate_problem(values, rows[0][1]["reporting_currency"])
        if problem is not None:
            column, why, fix = problem
            raise CompanyFileError(why, file=path, line=number, column=column, value=values[column], fix=fix)


def read_company_file(spec: FileSpec, path: Path) -> CompanyTable:
    """The validated rows of one company file; raises CompanyFileError at the first problem."""
    lines = data_lines(path)
    if not lines:
        raise CompanyFileError(
            "has no header line", file=path, fix=f"Start it with: {','.join(c.name for c in spec.columns)}"
        )
    parsed = list(csv.reader([text for _, text in lines]))
    header_number = lines[0][0]
    header = [name.strip() for name in parsed[0]]
    _check_header(spec, header, path, header_number)
    rows: list[tuple[int, dict[str, str]]] = []
    for (number, _), fields in zip(lines[1:], parsed[1:], strict=True):
        if len(fields) != len(header):
            raise CompanyFileError(
                f"has {len(fields)} fields where the header has {len(header)}",
                file=path,
                line=number,
                fix='Quote values that contain commas, e.g. "1,000 payments"',
            )
        values = dict(zip(header, fields, strict=True))
        for column in spec.columns:
            _check_value(spec, column, values.get(column.name, ""), path, number)
        rows.append((number, values))
    _check_windows(spec, path, rows)
    if spec.stem == "exchange_rates":
        _check_exchange_rates(path, rows)
    return CompanyTable(spec=spec, path=path, columns=[c.name for c in spec.columns], rows=rows)
