"""Finance files that match the generated CUR: invoices, general ledger, business volumes, close calendar.

Invoice totals are the CUR's Σ unblended per invoice (final delivery of each closed month), rounded to the
cent; the ledger posts each invoice once, except for the deliberate discrepancies listed in
``generation.json`` under ``discrepancies``:

* ``credit_memo_next_period``: a refund credit memo is booked in the ledger of the following month;
* ``marketplace_invoice_missing_from_ledger``: one month's AWS Marketplace invoice was never posted;
* ``rounding_difference_under_tolerance``: one invoice's CUR total differs from the invoice by less than a cent
  (AWS rounds the invoice; the CUR keeps ten decimals);
* ``restatement_after_close`` (added by the engine): a closed month re-delivered with a late credit.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from .company import INVOICING_ENTITY, MARKETPLACE_SELLER, Company
from .timeline import Period, business_day

MARKETPLACE_MISSING_PERIOD = 3


@dataclass
class Invoice:
    invoice_id: str
    invoice_key: str
    period: Period
    billing_entity: str
    bill_type: str
    amount_before_tax: float
    tax: float
    total: float
    issue_date: date
    cur_total: float


def _issue_date(period: Period, bill_type: str, first_start_ms: float) -> date:
    if bill_type == "Anniversary":
        return period.end + timedelta(days=1)
    return datetime.fromtimestamp(first_start_ms / 1000.0, tz=UTC).date()


def build_invoices(finals: list[tuple[Period, dict[str, list[float]], dict[str, str]]]) -> list[Invoice]:
    """finals: (period, totals by invoice key [unblended, tax, first start ms], invoice ids by key)."""
    invoices = []
    for period, by_key, ids in finals:
        for key in sorted(by_key):
            unblended, tax, first_start = by_key[key]
            entity, bill_type = key.split("|")[:2]
            total = round(unblended, 2)
            tax_r = round(tax, 2)
            invoices.append(
                Invoice(
                    ids[key],
                    key,
                    period,
                    entity,
                    bill_type,
                    round(total - tax_r, 2),
                    tax_r,
                    total,
                    _issue_date(period, bill_type, first_start),
                    unblended,
                )
            )
    return invoices


def _gl_account(invoice: Invoice) -> list[tuple[str, float]]:
    if invoice.billing_entity != "AWS":
        return [("6120-Software Subscriptions", invoice.total)]
    if invoice.bill_type == "Purchase":
        return [("1450-Prepaid Cloud Commitments", invoice.total)]
    if invoice.bill_type == "Refund":
        return [("6110-Cloud Hosting", invoice.total)]
    lines = [("6110-Cloud Hosting", invoice.amount_before_tax)]
    if invoice.tax:
        lines.append(("6115-Sales Tax on Cloud Services", invoice.tax))
    return lines


def write_finance(
    out: Path, company: Company, invoices: list[Invoice], credit_memo_key: str, rounding: dict | None
) -> tuple[dict[str, str], list[dict]]:
    folder = out / "finance"
    folder.mkdir(parents=True, exist_ok=True)
    window = company.window
    discrepancies: list[dict] = []
    periods = {p.label: p for p in window.periods}

    with (folder / "invoices.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "invoice_id",
                "billing_period",
                "billing_entity",
                "invoicing_entity",
                "currency",
                "amount_before_tax",
                "tax",
                "total",
                "issue_date",
            ]
        )
        for inv in invoices:
            writer.writerow(
                [
                    inv.invoice_id,
                    inv.period.start.isoformat(),
                    inv.billing_entity,
                    INVOICING_ENTITY,
                    "USD",
                    f"{inv.amount_before_tax:.2f}",
                    f"{inv.tax:.2f}",
                    f"{inv.total:.2f}",
                    inv.issue_date.isoformat(),
                ]
            )

    closed = [p for p in window.periods if not p.is_open]
    missing_period = closed[min(MARKETPLACE_MISSING_PERIOD, len(closed) - 1)] if closed else None
    with (folder / "general_ledger.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["period", "posting_date", "gl_account", "vendor", "invoice_reference", "amount", "currency", "memo"]
        )
        for inv in invoices:
            vendor = (
                "Amazon Web Services, Inc."
                if inv.billing_entity == "AWS"
                else f"AWS Marketplace - {MARKETPLACE_SELLER}"
            )
            ledger_period = inv.period
            posting = business_day(inv.period.end, 3)
            if inv.invoice_key == credit_memo_key:
                following = periods.get(_next_label(inv.period))
                ledger_start = following.start if following else inv.period.end
                posting = business_day(ledger_start, 4)
                discrepancies.append(
                    {
                        "kind": "credit_memo_next_period",
                        "billing_period": inv.period.label,
                        "invoice_id": inv.invoice_id,
                        "billing_entity": inv.billing_entity,
                        "amount": inv.total,
                        "ledger_period": ledger_start.strftime("%Y-%m"),
                        "expected_status": "missing_in_ledger",
                        "description": "Refund credit memo issued in the billing period but booked in the ledger of "
                        "the following period",
                    }
                )
                ledger_month = ledger_start
            else:
                ledger_month = ledger_period.start
            if inv.billing_entity != "AWS" and missing_period is not None and inv.period == missing_period:
                discrepancies.append(
                    {
                        "kind": "marketplace_invoice_missing_from_ledger",
                        "billing_period": inv.period.label,
                        "invoice_id": inv.invoice_id,
                        "billing_entity": inv.billing_entity,
                        "amount": inv.total,
                        "expected_status": "missing_in_ledger",
                        "description": "AWS Marketplace invoice never posted to the general ledger",
                    }
                )
                continue
            for account, amount in _gl_account(inv):
                writer.writerow(
                    [
                        ledger_month.isoformat(),
                        posting.isoformat(),
                        account,
                        vendor,
                        inv.invoice_id,
                        f"{amount:.2f}",
                        "USD",
                        f"AWS invoice {inv.invoice_id} ({inv.bill_type}) {inv.period.label}",
                    ]
                )
    if rounding is not None:
        inv = next(i for i in invoices if i.invoice_key == "AWS|Anniversary" and i.period.label == rounding["period"])
        discrepancies.append(
            {
                "kind": "rounding_difference_under_tolerance",
                "billing_period": inv.period.label,
                "invoice_id": inv.invoice_id,
                "billing_entity": inv.billing_entity,
                "amount": inv.total,
                "cur_total": round(inv.cur_total, 10),
                "difference": round(inv.cur_total - inv.total, 10),
                "expected_status": "matched",
                "description": "CUR total (10 decimals) differs from the invoice (cents) by less than the $0.01 "
                "tolerance",
            }
        )

    with (folder / "business_volumes.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "metric_name", "value"])
        payments = company.business_volumes["payments"]
        rng = np.random.default_rng([company.seed, 23])
        orders = payments * 0.34 * np.exp(rng.normal(0, 0.03, len(payments)))
        for i in range(window.days):
            day = window.start + timedelta(days=i)
            writer.writerow([day.isoformat(), "payments", int(round(payments[i]))])
            writer.writerow([day.isoformat(), "checkout_orders", int(round(orders[i]))])

    with (folder / "close_calendar.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["period", "closed_on"])
        for period in closed:
            writer.writerow([period.start.isoformat(), period.closed_on.isoformat()])

    files = {
        name: f"finance/{name}.csv" for name in ("invoices", "general_ledger", "business_volumes", "close_calendar")
    }
    return files, discrepancies


def _next_label(period: Period) -> str:
    end = period.end
    return f"{end.year:04d}-{end.month:02d}"
