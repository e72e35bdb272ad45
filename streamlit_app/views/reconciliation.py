"""Each invoice against the CUR and the general ledger; exceptions explained; restatements of past months."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from streamlit_app import data, filters, formats, ui

RECONCILIATION = "fct_invoice_reconciliation"
EXCEPTIONS = "fct_reconciliation_exceptions"
RESTATEMENTS = "fct_cur_restatements"
HINT = "load the invoices and the general ledger, then run `cloudcost build`"
STATUSES = ("matched", "exception", "missing_invoice", "missing_in_cur", "missing_in_ledger", "open_month")
OPEN_MONTH = "open_month"  # shown instead of missing_invoice for the month still being billed

INVOICE_COLUMNS = (
    "billing_period",
    "payer_account_id",
    "invoice_id",
    "billing_entity",
    "currency",
    "status",
    "cur_billed_cost",
    "cur_currency",
    "invoice_total",
    "ledger_posted",
    "fx_difference",
    "cur_vs_invoice_difference",
    "invoice_vs_ledger_difference",
    "cur_vs_ledger_difference",
    "tolerance",
    "is_period_closed",
    "is_signed_off",
    "signed_off_by",
    "is_accepted",
    "explanation",
)
EXCEPTION_COLUMNS = (
    "billing_period",
    "invoice_id",
    "billing_entity",
    "currency",
    "status",
    "explanation",
    "contributor_basis",
    "contributor_type",
    "contributor_value",
    "contributor_amount",
    "contributor_rank",
    "share_of_basis",
)
RESTATEMENT_KEYS = (
    "billing_period",
    "payer_account_id",
    "delivery_id",
    "delivery_sequence",
    "loaded_at",
    "closed_on",
    "is_after_close",
    "currency",
)
RESTATEMENT_DETAIL = (
    "billing_period",
    "delivery_sequence",
    "loaded_at",
    "is_after_close",
    "invoice_id",
    "account_id",
    "service_code",
    "line_item_type",
    "currency",
    "previous_unblended_cost",
    "unblended_cost",
    "unblended_cost_delta",
    "public_on_demand_cost_delta",
)


def invoices(selection: filters.Selection) -> pd.DataFrame:
    where = data.where(RECONCILIATION, selection.values, "billing_period", selection.dates, monthly=True)
    frame = data.rows(
        RECONCILIATION, INVOICE_COLUMNS, where, order_by=["billing_period", "invoice_id", "billing_entity"]
    )
    return mark_open_month(frame)


def mark_open_month(frame: pd.DataFrame) -> pd.DataFrame:
    """The month still being billed has no invoice yet by design: its rows read "open month", not
    "missing invoice" (only while the period is not closed)."""
    if frame.empty or "status" not in frame:
        return frame
    is_open = frame["billing_period"].map(ui.is_open_month) & (frame["status"] == "missing_invoice")
    if "is_period_closed" in frame:
        is_open &= ~frame["is_period_closed"].fillna(False).astype(bool)
    return frame.assign(status=frame["status"].where(~is_open, OPEN_MONTH))


def dollars(frame: pd.DataFrame, currency: str) -> None:
    """The headline in money for one currency: invoiced, matched, unexplained difference, sign-off."""
    rows = frame[frame["currency"].fillna("USD") == currency] if "currency" in frame else frame
    accepted = rows["is_accepted"].fillna(False).astype(bool) if "is_accepted" in rows else False
    settled = rows["status"].eq("matched") | accepted
    open_rows = rows[~settled & rows["status"].ne(OPEN_MONTH)]
    periods = rows.groupby("billing_period")["is_signed_off"].max() if "is_signed_off" in rows else pd.Series()
    signed = int(periods.fillna(False).astype(bool).sum())
    cols = st.columns(4)
    cols[0].metric("Invoiced", formats.money(rows["invoice_total"].sum(), currency), help=ui.term("invoice_total"))
    cols[1].metric(
        "Matched or accepted",
        formats.money(rows.loc[settled, "invoice_total"].sum(), currency),
        help=ui.term("reconciliation_status", "reconciliation"),
    )
    cols[2].metric(
        "Open differences (CUR − invoice)",
        formats.money(open_rows["cur_vs_invoice_difference"].abs().sum(), currency),
        delta=f"{len(open_rows):,} invoice rows to explain" if len(open_rows) else "none",
        delta_color="inverse" if len(open_rows) else "off",
        help=ui.term("reconciliation"),
    )
    cols[3].metric(
        "Periods signed off",
        f"{signed} of {len(periods)}",
        help=ui.term("sign_off", "period_close"),
    )


def render_status(selection: filters.Selection) -> None:
    ui.heading("Invoices", "reconciliation", "reconciliation_status")
    frame = invoices(selection)
    if frame.empty:
        ui.missing("reconciliation", RECONCILIATION, HINT)
        return
    currencies = ui.currencies(frame)
    currency = currencies[0] if len(currencies) == 1 else ui.choose("Currency", currencies, "currency")
    dollars(frame, currency)
    counts = frame["status"].value_counts()
    shown = [s for s in STATUSES if s in counts] + [s for s in counts.index if s not in STATUSES]
    st.caption(
        "Invoice rows: "
        + " · ".join(f"{formats.label(name)} {int(counts[name]):,}" for name in shown)
        + (
            f". {formats.month(ui.open_month()[0])} is still being billed: its invoice is not due yet."
            if OPEN_MONTH in counts and ui.open_month()
            else ""
        )
    )
    ui.table(
        frame,
        "invoice reconciliation",
        first=[
            "billing_period", "invoice_id", "billing_entity", "status", "is_accepted", "is_signed_off",
            "invoice_total", "cur_vs_invoice_difference", "invoice_vs_ledger_difference",
        ],
    )  # fmt: skip


def render_exceptions(selection: filters.Selection) -> None:
    ui.heading("Exceptions and their largest contributors", "reconciliation_exception", "reconciliation")
    if not data.has_mart(EXCEPTIONS):
        ui.missing("exceptions", EXCEPTIONS, HINT)
        return
    where = data.where(EXCEPTIONS, selection.values, "billing_period", selection.dates, monthly=True)
    frame = data.rows(
        EXCEPTIONS,
        EXCEPTION_COLUMNS,
        where,
        order_by=[
            "billing_period",
            "invoice_id",
            "contributor_basis",
            "contributor_type",
            "contributor_rank",
        ],
    )
    if frame.empty:
        st.success("No exceptions for these filters: every invoice matched.", icon=":material/check_circle:")
        return
    ui.table(
        frame,
        "reconciliation exceptions",
        first=["billing_period", "invoice_id", "status", "contributor_value", "contributor_amount", "share_of_basis"],
    )


def render_restatements(selection: filters.Selection) -> None:
    ui.heading("Restatements (later deliveries of a billing period)", "restatement", "cur_restatement")
    if not data.has_mart(RESTATEMENTS):
        ui.missing("restatements", RESTATEMENTS, HINT)
        return
    kept = {k: v for k, v in selection.values.items() if k in ("payer_account_id", "billing_entity")}
    changed = {**kept, "is_changed": (True,)} if data.pick(RESTATEMENTS, "is_changed") else kept
    where = data.where(RESTATEMENTS, changed, "billing_period", selection.dates, monthly=True)
    summary = data.aggregate(
        RESTATEMENTS,
        [c for c in RESTATEMENT_KEYS if c in data.mart_columns(RESTATEMENTS)],
        [
            ("sum", "unblended_cost_delta", "unblended_cost_delta"),
            ("sum", "public_on_demand_cost_delta", "public_on_demand_cost_delta"),
            ("count", "unblended_cost_delta", "changed_rows"),
        ],
        where,
        order_by=["billing_period", "delivery_sequence"],
    )
    if summary.empty:
        st.success("No restatement changed any figure for these filters.", icon=":material/check_circle:")
        return
    if "is_after_close" in summary:
        late = summary[summary["is_after_close"].fillna(False).astype(bool)]
        cols = st.columns(2)
        cols[0].metric("Restated deliveries", f"{len(summary):,}", help=ui.term("restatement", "cur_restatement"))
        cols[1].metric(
            "Arrived after the period was closed",
            f"{len(late):,}",
            help=ui.term("period_close", "restatement"),
        )
    ui.table(
        summary,
        "restatements by delivery",
        first=["billing_period", "unblended_cost_delta", "is_after_close", "changed_rows"],
    )
    with st.expander("Changed rows (invoice × account × service × line item type)"):
        detail = data.rows(
            RESTATEMENTS,
            RESTATEMENT_DETAIL,
            where,
            order_by=["billing_period", "delivery_sequence", "invoice_id", "account_id"],
        )
        ui.table(detail, "restatement details")


def render() -> None:
    st.title("Invoice reconciliation")
    st.caption(
        "Per billing period, invoice and billing entity: the CUR against the invoice and the general ledger, "
        "matched within a tolerance, with exceptions explained and restatements of past months."
    )
    if not any(data.has_mart(m) for m in (RECONCILIATION, EXCEPTIONS, RESTATEMENTS)):
        ui.missing("reconciliation", RECONCILIATION, HINT)
        return
    mart = RECONCILIATION if data.has_mart(RECONCILIATION) else RESTATEMENTS
    selection = filters.sidebar(mart, ("payer_account_id", "billing_entity", "status"), "billing_period")
    render_status(selection)
    render_exceptions(selection)
    render_restatements(selection)


render()
