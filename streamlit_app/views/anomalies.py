"""Cost anomalies (open first, by impact) and the month's one-off charges, which are not anomalies."""

from __future__ import annotations

import streamlit as st

from streamlit_app import data, filters, formats, ui

MART = "fct_cost_anomalies"
ONE_OFF = "fct_cost_one_off_charges"
OPEN_STATUSES = ("new", "investigating", "confirmed")
COLUMNS = (
    "status",
    "impact",
    "grain",
    "team",
    "host_type",
    "account_id",
    "service_code",
    "usage_type",
    "direction",
    "first_day",
    "last_day",
    "days_open",
    "is_ongoing",
    "actual_cost",
    "expected_cost",
    "amortized_impact",
    "anomaly_score",
    "top_drivers",
    "annotations",
    "status_owner",
    "status_note",
)


def render_anomalies(statuses: tuple[str, ...], filtered: dict[str, tuple[str, ...]], currency: str) -> None:
    where = data.where(MART, {**filtered, "status": statuses, "currency": (currency,)})
    frame = data.rows(MART, COLUMNS, where, order_by=["impact"], descending=True)
    if frame.empty:
        ui.missing("anomalies", MART)
        return
    open_rows = frame[frame["status"].isin(OPEN_STATUSES)]
    cols = st.columns(3)
    cols[0].metric("Anomalies shown", f"{len(frame)}")
    cols[1].metric("Open", f"{len(open_rows)}", help=ui.term("anomaly_status"))
    cols[2].metric(
        "Open impact", formats.money(float(open_rows["impact"].sum()), currency), help=ui.term("anomaly_impact")
    )
    ui.heading(f"Anomalies ({currency})", "fct_cost_anomalies")
    ui.table(
        formats.display_frame(frame, code_columns=("status", "grain", "direction")), "anomalies", currency=currency
    )


def render_one_off(currency: str) -> None:
    if not data.has_mart(ONE_OFF):
        return
    ui.heading("One-off charges by month", "fct_cost_one_off_charges")
    st.caption("Commitment purchases, fees, tax, support, credits and refunds: expected, so never an anomaly.")
    frame = data.aggregate(
        ONE_OFF,
        ["billing_period", "charge_kind"],
        [("sum", "billed_cost"), ("sum", "amortized_cost"), ("sum", "line_count")],
        data.where(ONE_OFF, {"currency": (currency,)}),
        order_by=["billing_period", "charge_kind"],
    )
    if frame.empty:
        ui.missing("one-off charges", ONE_OFF)
        return
    ui.table(frame.iloc[::-1], "one-off charges", currency=currency)


def render() -> None:
    st.title("Anomalies")
    st.caption("Cost that moved away from its expected level, largest impact first; one-off charges apart.")
    if not data.has_mart(MART):
        ui.missing("anomalies", MART)
        return
    selection = filters.sidebar(MART, ("team",))
    statuses = data.distinct_values(MART, "status")
    left, right = st.columns(2)
    with left:
        key = "w_anomaly_status"
        if key not in st.session_state:
            st.session_state[key] = [s for s in statuses if s in OPEN_STATUSES]
        chosen = st.multiselect("Status", statuses, key=key, placeholder="All", help=ui.term("anomaly_status"))
    with right:
        currency = ui.choose("Currency", data.distinct_values(MART, "currency") or ["USD"], "currency")
    render_anomalies(tuple(chosen), selection.values, currency)
    render_one_off(currency)


render()
