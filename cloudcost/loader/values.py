"""Checks on staged values that a file's format cannot catch: numbers that are not amounts, and dates that
do not belong to their billing period.

Numbers: NaN, +/-Infinity and magnitudes of ``MAX_AMOUNT`` or more are refused in every numeric column
(costs, usage amounts, rates, reservation and Savings Plan figures); no real CUR holds them and a sum in
decimal(38, 10) cannot take them.

Billing periods: the start is midnight on the 1st of a month; the end, where the file has one, is exactly
one month later (AWS writes it as the next month's 1st, 00:00, an exclusive end). Usage dates lie inside
[start, end], with the cases AWS documents:

* monthly charges (fees, support, tax, Savings Plan recurring fees) are dated at the period start and
  ended at the period end: inside the rule, nothing special;
* a usage end equal to the period end is the exclusive end of the last hour or day: inside the rule;
* one-time purchases whose term runs on (``LONG_TERM_TYPES``: Savings Plan and reservation upfront fees,
  other fees, and every AWS Marketplace line, e.g. an annual SaaS contract) may END months or years
  after the period;
* credits and refunds (``EARLIER_DATED_TYPES``) may be dated in an EARLIER period (a refund of last
  quarter's usage).

A line outside these cases means the file is not what its billing period says, and loading it would put
cost in the wrong month (or, for a stray period start, make a period of its own that a later correct
delivery would not replace).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.staging import STAGED_LINES
from cloudcost.schema import CUR_COLUMNS

MAX_AMOUNT = 1e18
NUMERIC_COLUMNS = tuple(column.name for column in CUR_COLUMNS if column.type == "double")
LONG_TERM_TYPES = ("Fee", "RIFee", "SavingsPlanUpfrontFee", "SavingsPlanRecurringFee")
EARLIER_DATED_TYPES = ("Credit", "Refund")
MARKETPLACE_ENTITY = "AWS Marketplace"

_START = "bill_billing_period_start_date"
_PERIOD_END = f"({_START} + interval 1 month)"


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


_LONG_TERM = (
    f"(line_item_line_item_type in {_in(LONG_TERM_TYPES)} "
    f"or coalesce(bill_billing_entity, '') = '{MARKETPLACE_ENTITY}')"
)

# (rule, SQL true on an offending line, the column shown, why, what to do)
PERIOD_RULES: tuple[tuple[str, str, str, str], ...] = (
    (
        f"{_START} <> date_trunc('month', {_START})",
        _START,
        "a billing period starts at 00:00 on the 1st of a month",
        "Export the CUR again; a period start elsewhere would make a billing period of its own",
    ),
    (
        f"bill_billing_period_end_date is not null and bill_billing_period_end_date <> {_PERIOD_END}",
        "bill_billing_period_end_date",
        "a billing period ends exactly one month after its start (the next month's 1st, 00:00)",
        "Export the CUR again",
    ),
    (
        f"line_item_usage_start_date >= {_PERIOD_END}",
        "line_item_usage_start_date",
        "usage starts after the end of its billing period",
        "The line belongs to a later billing period; export the CUR again",
    ),
    (
        f"line_item_usage_start_date < {_START} and line_item_line_item_type not in {_in(EARLIER_DATED_TYPES)}",
        "line_item_usage_start_date",
        "usage starts before its billing period (only credits and refunds may be dated earlier)",
        "The line belongs to an earlier billing period; export the CUR again",
    ),
    (
        f"line_item_usage_end_date > {_PERIOD_END} and not {_LONG_TERM} "
        f"and line_item_line_item_type not in {_in(EARLIER_DATED_TYPES)}",
        "line_item_usage_end_date",
        "usage ends after its billing period (only upfront and other fees, Marketplace contracts, credits "
        "and refunds may end later)",
        "The line belongs to a later billing period; export the CUR again",
    ),
)


@dataclass(frozen=True)
class Offender:
    file_index: int
    file: str
    source_format: str
    line: int  # 1-based data row in its file
    value: object


def first_offender(con: duckdb.DuckDBPyConnection, predicate: str, value_sql: str) -> Offender | None:
    """The first staged line (in file order) where ``predicate`` holds, with its row number in its file."""
    found = con.execute(
        f"""
        select source_file_index, source_file, source_format, source_row, cast({value_sql} as varchar)
        from {STAGED_LINES}
        where {predicate}
        order by source_file_index, source_row
        limit 1
        """
    ).fetchone()
    if found is None:
        return None
    return Offender(int(found[0]), str(found[1]), str(found[2]), int(found[3]), found[4])


def where_in_file(offender: Offender) -> dict[str, object]:
    """InputError location: the CSV line (the header is line 1), or the Parquet row in the message."""
    if offender.source_format.endswith("_csv"):
        return {"file": offender.file, "line": offender.line + 1}
    return {"file": f"{offender.file} (row {offender.line})"}


def check_numbers(con: duckdb.DuckDBPyConnection) -> None:
    bad = [f"(isnan({name}) or isinf({name}) or abs({name}) >= {MAX_AMOUNT:.0e})" for name in NUMERIC_COLUMNS]
    flags = ", ".join(f"bool_or({predicate})" for predicate in bad)
    found = con.execute(f"select {flags} from {STAGED_LINES}").fetchone()
    if not found:
        return
    for name, predicate, is_bad in zip(NUMERIC_COLUMNS, bad, found, strict=True):
        if not is_bad:
            continue
        offender = first_offender(con, predicate, name)
        if offender is None:
            continue
        raise CurLoadError(
            f"{name} must be a finite amount below {MAX_AMOUNT:.0e} in magnitude (NaN, Infinity and "
            "overflowing values cannot be summed)",
            column=name,
            value=offender.value,
            fix="Fix or re-export the file",
            **where_in_file(offender),  # type: ignore[arg-type]
        )


def check_periods(con: duckdb.DuckDBPyConnection) -> None:
    for predicate, column, why, fix in PERIOD_RULES:
        offender = first_offender(con, predicate, column)
        if offender is not None:
            raise CurLoadError(why, column=column, value=offender.value, fix=fix, **where_in_file(offender))  # type: ignore[arg-type]
