"""Several payers from one generated company (``cloudcost generate --payers N``).

Payer A is the generated CUR as it is (USD). Payer B is a copy under other payer and account ids whose CUR
stays in USD while AWS invoices it in EUR at the exchange rate printed on the invoice (a preferred invoice
currency); its general ledger books the month in EUR at the company's own rate, so reconciliation shows the
difference as the reconciling item ``fx``. Payer C is a copy billed in INR, as AWS India bills (CUR, invoice
and ledger in INR).

Each copy keeps the original's line ids (they repeat across payers, as they may in real exports), gets its
own invoice ids and its own commitment ARNs (a commitment belongs to one payer). The copies are the final
delivery of each billing period, one Parquet file per period under ``payers/<label>/cur/``; their invoices
and ledger lines are written beside payer A's in ``finance/`` (``invoices_payer_<label>.csv``,
``general_ledger_payer_<label>.csv``) so one ``cloudcost load-finance`` call loads every payer's files.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from .company import INVOICING_ENTITY
from .deliveries import latest_deliveries


@dataclass(frozen=True)
class PayerCopy:
    label: str
    first_digit: str
    """account ids of the copy start with this digit (see copy_account_id)"""
    cur_currency: str
    invoice_currency: str
    invoice_rate: float | None
    """invoice currency per unit of CUR currency of the first period (None: same currency)"""
    ledger_rate_spread: float
    """the ledger's own rate minus the invoice's"""


COPIES = (
    PayerCopy("B", "2", "USD", "EUR", 0.9214, 0.0113),
    PayerCopy("C", "3", "INR", "INR", None, 0.0),
)
MAX_PAYERS = len(COPIES) + 1
ID_COLUMNS = (
    "bill_payer_account_id",
    "line_item_usage_account_id",
    "reservation_reservation_a_r_n",
    "savings_plan_savings_plan_a_r_n",
    "line_item_resource_id",
)
INVOICE_HEADER = (
    "invoice_id",
    "billing_period",
    "billing_entity",
    "invoicing_entity",
    "payer_account_id",
    "currency",
    "amount_before_tax",
    "tax",
    "total",
    "issue_date",
    "exchange_rate",
)
LEDGER_HEADER = (
    "period",
    "posting_date",
    "gl_account",
    "vendor",
    "invoice_reference",
    "amount",
    "currency",
    "memo",
    "exchange_rate",
)


def _read(files: list[Path]) -> str:
    listed = ", ".join(f"'{file}'" for file in files)
    return f"read_parquet([{listed}], hive_partitioning = false, union_by_name = true)"


def copy_account_id(account: str, digit: str) -> str:
    """The copy's id of one of payer A's accounts: the copy's digit, then a bijection of the other 11 digits
    (so no copy id is one of payer A's ids, which an account belonging to two payers at once would be)."""
    return f"{digit}{(int(account[1:]) * 7919 + 104729) % 10**11:011d}"


def _renamed(column: str, accounts: list[str], digit: str) -> str:
    expression = f'"{column}"'
    for account in accounts:
        expression = f"replace({expression}, '{account}', '{copy_account_id(account, digit)}')"
    return expression


def _check_disjoint(accounts: list[str], copies: tuple[PayerCopy, ...]) -> None:
    ids = set(accounts)
    for copy in copies:
        renamed = {copy_account_id(account, copy.first_digit) for account in accounts}
        if renamed & ids or len(renamed) != len(accounts):
            raise ValueError(f"payer {copy.label}'s account ids would repeat payer A's: use another --seed")
        ids |= renamed


def _copy_select(source: str, accounts: list[str], copy: PayerCopy) -> str:
    replaced = [f"{_renamed(column, accounts, copy.first_digit)} as {column}" for column in ID_COLUMNS]
    replaced.append(
        f"case when bill_invoice_id is null or bill_invoice_id = '' then bill_invoice_id "
        f"else '{copy.label}' || bill_invoice_id end as bill_invoice_id"
    )
    replaced.append(f"'{copy.cur_currency}' as line_item_currency_code")
    return f"select * replace ({', '.join(replaced)}) from {source}"


def write_payer_curs(generated: Path, count: int) -> dict[str, list[Path]]:
    """Write payers B.. (up to ``count`` payers with A) under ``generated/payers/``; their files by label."""
    copies = COPIES[: count - 1]
    con = duckdb.connect()
    written: dict[str, list[Path]] = {}
    for delivery in latest_deliveries(generated):
        source = _read(sorted(Path(delivery).rglob("*.parquet")))
        accounts = sorted(
            {
                row[0]
                for row in con.sql(
                    f"select distinct line_item_usage_account_id from {source} union "
                    f"select distinct bill_payer_account_id from {source}"
                ).fetchall()
                if row[0]
            }
        )
        _check_disjoint(accounts, copies)
        first_day = f"select strftime(min(bill_billing_period_start_date), '%Y-%m') from {source}"
        period = con.execute(first_day).fetchall()[0][0]
        for copy in copies:
            target = generated / "payers" / copy.label / "cur" / f"{period}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            con.sql(f"copy ({_copy_select(source, accounts, copy)}) to '{target}' (format parquet)")
            written.setdefault(copy.label, []).append(target)
    con.close()
    return written


def _invoiced_totals(files: list[Path]) -> list[tuple]:
    """(billing period, payer, invoice id, billing entity, Σ unblended, Σ tax) of every invoiced line."""
    con = duckdb.connect()
    rows = con.sql(
        f"""
        select
            cast(bill_billing_period_start_date as date) as billing_period,
            bill_payer_account_id,
            bill_invoice_id,
            bill_billing_entity,
            sum(cast(line_item_unblended_cost as decimal(38, 10))),
            sum(case when line_item_line_item_type = 'Tax'
                then cast(line_item_unblended_cost as decimal(38, 10)) else 0 end)
        from {_read(files)}
        where bill_invoice_id is not null and bill_invoice_id <> ''
        group by all
        order by all
        """
    ).fetchall()
    con.close()
    return rows


def _period_rate(copy: PayerCopy, index: int) -> float | None:
    return None if copy.invoice_rate is None else round(copy.invoice_rate + 0.0037 * index, 4)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def write_payer_finance(generated: Path, copy: PayerCopy, files: list[Path]) -> None:
    """The copy's invoices (in its invoice currency, with the printed rate) and general-ledger lines."""
    totals = _invoiced_totals(files)
    periods = sorted({row[0] for row in totals})
    folder = generated / "finance"
    folder.mkdir(parents=True, exist_ok=True)
    with (
        (folder / f"invoices_payer_{copy.label}.csv").open("w", newline="") as invoice_handle,
        (folder / f"general_ledger_payer_{copy.label}.csv").open("w", newline="") as ledger_handle,
    ):
        invoices = csv.writer(invoice_handle)
        ledger = csv.writer(ledger_handle)
        invoices.writerow(INVOICE_HEADER)
        ledger.writerow(LEDGER_HEADER)
        for period, payer, invoice_id, entity, total, tax in totals:
            rate = _period_rate(copy, periods.index(period))
            factor = 1.0 if rate is None else rate
            invoice_total = round(float(total) * factor, 2)
            invoice_tax = round(float(tax) * factor, 2)
            issued = _next_month(period) + timedelta(days=2)
            invoices.writerow(
                [
                    invoice_id,
                    period.isoformat(),
                    entity,
                    INVOICING_ENTITY,
                    payer,
                    copy.invoice_currency,
                    f"{invoice_total - invoice_tax:.2f}",
                    f"{invoice_tax:.2f}",
                    f"{invoice_total:.2f}",
                    issued.isoformat(),
                    "" if rate is None else f"{rate}",
                ]
            )
            ledger_rate = None if rate is None else round(rate + copy.ledger_rate_spread, 4)
            posted = invoice_total if ledger_rate is None else round(float(total) * ledger_rate, 2)
            ledger.writerow(
                [
                    period.isoformat(),
                    issued.isoformat(),
                    "6110-Cloud Hosting" if entity == "AWS" else "6120-Software Subscriptions",
                    "Amazon Web Services, Inc." if entity == "AWS" else entity,
                    invoice_id,
                    f"{posted:.2f}",
                    copy.invoice_currency,
                    f"AWS invoice {invoice_id} payer {copy.label} {period:%Y-%m}",
                    "" if ledger_rate is None else f"{ledger_rate}",
                ]
            )


def write_payers(generated: Path, count: int) -> dict[str, list[Path]]:
    """Payers B.. of a generation with ``count`` payers: their CUR files by label, finance files in finance/."""
    if not 1 <= count <= MAX_PAYERS:
        raise ValueError(f"payers must be between 1 and {MAX_PAYERS}, not {count}")
    written = write_payer_curs(generated, count)
    for copy in COPIES[: count - 1]:
        write_payer_finance(generated, copy, written[copy.label])
    return written
