"""Finance files that match the generated CUR: invoices, general ledger, business volumes, close calendar.

Invoice totals are the CUR's Σ unblended per invoice (final delivery of each closed month), rounded to the
cent; the ledger posts each invoice once, except for the deliberate discrepancies listed in
``generation.json`` under ``discrepancies``:

* ``credit_memo_next_period``: a refund credit memo is booked in the ledger of the following month;
* ``marketplace_invoice_missing_from_ledger``: one month's AWS Marketplace invoice was never posted;
* ``rounding_difference_under_tolerance``: one invoice's CUR total differs from the invoice by less than a cent
  (AWS rounds the invoice; the CUR keeps ten decimals);
* ``restatement_after_close`` (added by the engine): a closed month re-delivered with a late credit.

``sign_offs/sign_offs.csv`` (a folder of its own, so ``finance/`` alone still fails the close check) is the
controller's sign-off register in the format ``cloudcost load-finance`` reads: one row per deliberate
exception that would otherwise fail its closed period (the credit memo, the missing Marketplace invoice, the
restatement after close), naming the period, payer, invoice, billing entity and the delivery the loader sees
as current for the period (its content fingerprint, :func:`cloudcost.loader.api.delivery_ids` over the
data files of the period's latest delivery), with a note saying what was accepted and why. A sign-off is dated
at the close, or on the first business day after the current delivery arrived when that was after the close.
Loaded with ``finance/``, every closed period is ``accepted`` and the exceptions stay visible, signed off.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from cloudcost.loader.api import delivery_ids

from .company import INVOICING_ENTITY, MARKETPLACE_SELLER, Company
from .timeline import Period, Window, business_day

MARKETPLACE_MISSING_PERIOD = 3
SIGN_OFFS_FILE = "sign_offs/sign_offs.csv"
SIGNED_OFF_BY = "dana.whitfield@acme.example (Controller)"
SIGN_OFF_COLUMNS = (
    "period",
    "payer_account_id",
    "invoice_id",
    "billing_entity",
    "delivery_id",
    "signed_off_by",
    "signed_off_on",
    "note",
)


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
    _write_invoices(folder, invoices)
    closed = [p for p in window.periods if not p.is_open]
    discrepancies = _write_ledger(folder, window, invoices, credit_memo_key, closed)
    if rounding is not None:
        discrepancies.append(_rounding_discrepancy(invoices, rounding))
    _write_business_volumes(folder, company)
    _write_close_calendar(folder, closed)
    files = {
        name: f"finance/{name}.csv" for name in ("invoices", "general_ledger", "business_volumes", "close_calendar")
    }
    return files, discrepancies


def _write_invoices(folder: Path, invoices: list[Invoice]) -> None:
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


def _write_ledger(
    folder: Path, window: Window, invoices: list[Invoice], credit_memo_key: str, closed: list[Period]
) -> list[dict]:
    """The general ledger, with its deliberate discrepancies (returned): a credit memo booked a period late
    and a Marketplace invoice never posted."""
    discrepancies: list[dict] = []
    periods = {p.label: p for p in window.periods}
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
    return discrepancies


def _rounding_discrepancy(invoices: list[Invoice], rounding: dict) -> dict:
    inv = next(i for i in invoices if i.invoice_key == "AWS|Anniversary" and i.period.label == rounding["period"])
    return {
        "kind": "rounding_difference_under_tolerance",
        "billing_period": inv.period.label,
        "invoice_id": inv.invoice_id,
        "billing_entity": inv.billing_entity,
        "amount": inv.total,
        "cur_total": round(inv.cur_total, 10),
        "difference": round(inv.cur_total - inv.total, 10),
        "expected_status": "matched",
        "description": "CUR total (10 decimals) differs from the invoice (cents) by less than the $0.01 tolerance",
    }


def _write_business_volumes(folder: Path, company: Company) -> None:
    window = company.window
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


def _write_close_calendar(folder: Path, closed: list[Period]) -> None:
    with (folder / "close_calendar.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["period", "closed_on"])
        for period in closed:
            writer.writerow([period.start.isoformat(), period.closed_on.isoformat()])


def _next_label(period: Period) -> str:
    end = period.end
    return f"{end.year:04d}-{end.month:02d}"


def write_sign_offs(out: Path, company: Company, discrepancies: list[dict], records: list[dict]) -> list[dict]:
    """Write OUT/sign_offs/sign_offs.csv: one sign-off per deliberate exception that fails its closed period.

    records: the deliveries as generation.json lists them (``latest`` set). Returns the rows written, each with
    the exception's kind and the generator's id of the delivery it names.
    """
    periods = {p.label: p for p in company.window.periods}
    latest = {r["billing_period"]: r for r in records if r["latest"]}
    rows = []
    for item in discrepancies:
        note = _sign_off_note(item)
        period = periods.get(item["billing_period"])
        current = latest.get(item["billing_period"])
        if note is None or period is None or period.closed_on is None or current is None:
            continue
        fingerprint = delivery_ids([out / f for f in current["files"]])[(period.start, company.payer_account_id)]
        delivered = date.fromisoformat(current["delivered_on"])
        signed_on = period.closed_on if delivered <= period.closed_on else _next_business_day(delivered)
        if current["kind"] == "restated" and item["kind"] != "restatement_after_close":
            note += f" Signed off again for the {current['kind']} delivery of {current['delivered_on']}."
        rows.append(
            {
                "kind": item["kind"],
                "period": period.label,
                "payer_account_id": company.payer_account_id,
                "invoice_id": item["invoice_id"],
                "billing_entity": item["billing_entity"],
                "delivery_id": fingerprint,
                "generator_delivery_id": current["delivery_id"],
                "signed_off_by": SIGNED_OFF_BY,
                "signed_off_on": signed_on.isoformat(),
                "note": note,
            }
        )
    path = out / SIGN_OFFS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SIGN_OFF_COLUMNS)
        for row in rows:
            writer.writerow([row[column] for column in SIGN_OFF_COLUMNS])
    return rows


def _sign_off_note(item: dict) -> str | None:
    """What the controller accepted and why; None for a discrepancy that needs no sign-off."""
    kind = item["kind"]
    if kind == "credit_memo_next_period":
        return (
            f"Accepted: refund credit memo {item['invoice_id']} ({item['amount']:.2f} USD) was booked in the "
            f"{item['ledger_period']} ledger; timing difference only, no adjustment to {item['billing_period']}."
        )
    if kind == "marketplace_invoice_missing_from_ledger":
        return (
            f"Accepted: AWS Marketplace invoice {item['invoice_id']} ({item['amount']:.2f} USD) was not posted "
            "by the close; the amount is accrued and accounts payable posts the invoice in the next open period."
        )
    if kind == "restatement_after_close":
        return (
            f"Accepted: the CUR re-delivered after the close on {item['closed_on']} carries a late AWS credit of "
            f"{item['late_credit']:.2f} USD ({item['delta_unblended']:.2f} USD with the tax it changes) on "
            f"invoice {item['invoice_id']}; the credit is recognised when received, in the current period, and "
            f"{item['billing_period']} is not reopened."
        )
    return None


def _next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
