"""From public on-demand cost through each discount layer to amortized and unblended cost, per month."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cloudcost.layers import read_layers
from streamlit_app import charts, data, filters, formats, ui

MART = "fct_cost_daily"
BRIDGE = "fct_cash_bridge"

# the layers in the order of the waterfall (DESIGN §3.1) and their labels, from seeds/cost_layers.csv
LAYERS: tuple[tuple[str, str], ...] = tuple((layer.name, layer.label) for layer in read_layers())
TOTALS = ("public_on_demand_cost", "amortized_cost", "unblended_cost", "billed_cost")


def layer_columns() -> list[tuple[str, str, str]]:
    """(layer, its column in the mart, label) for the layers the mart has."""
    found = []
    for layer, label in LAYERS:
        column = data.pick(MART, layer, f"{layer}_cost", f"{layer}_amount")
        if column:
            found.append((layer, column, label))
    return found


def monthly(selection: filters.Selection) -> pd.DataFrame:
    month_column = data.pick(MART, "billing_period", "usage_date") or "usage_date"
    where = data.where(MART, selection.values, month_column, selection.dates, monthly=month_column == "billing_period")
    measures = [("sum", column, layer) for layer, column, _ in layer_columns()]
    measures += [("sum", name, name) for name in TOTALS]
    return data.aggregate(
        MART,
        [data.Dimension(month_column, month=True), "currency"],
        measures,
        where,
        order_by=["month", "currency"],
    )


def _amount(figures: pd.Series, *names: str) -> float:
    for name in names:
        if name in figures and pd.notna(figures[name]):
            return float(figures[name])
    return 0.0


def render() -> None:
    st.title("Cost layers")
    st.caption(
        "Spend at the public on-demand price, then each discount layer on top, down to amortized cost; "
        "then the RI/SP true-up and upfront fees to the unblended (billed) cost on the invoice."
    )
    if not data.has_mart(MART):
        ui.missing("cost data", MART)
        return
    month_column = data.pick(MART, "billing_period", "usage_date") or "usage_date"
    selection = filters.sidebar(MART, filters.DIMENSION_FILTERS, date_column=month_column)
    table = monthly(selection)
    if table.empty:
        ui.missing("cost data", MART)
        return

    left, right = st.columns(2)
    with left:
        month = ui.choose(
            "Month",
            list(table["month"].drop_duplicates())[::-1],
            "cost_month",
            "Billing period to break down. The open month (data still arriving) is marked partial.",
            format_func=lambda value: f"{formats.month(value)} {ui.partial_note(value)}".strip(),
        )
    with right:
        currency = ui.choose(
            "Currency",
            ui.currencies(table),
            "currency",
            "Money is never added across currencies: each currency has its own waterfall.",
        )
    row = table[(table["month"] == month) & (table["currency"] == currency)]
    if row.empty:
        ui.missing("cost data", MART)
        return
    figures = row.iloc[0]
    if ui.is_open_month(month):
        current = ui.open_month()
        days = (current[1] - current[0]).days + 1 if current else 0
        st.warning(
            f"{formats.month(month)} is the open month: data through {formats.day(current[1]) if current else ''} "
            f"({days} days). It is partial — do not compare it with a full month.",
            icon=":material/hourglass_top:",
        )
    on_demand = _amount(figures, "on_demand", "public_on_demand_cost")
    amortized = _amount(figures, "amortized_cost")
    unblended = _amount(figures, "unblended_cost")
    billed = _amount(figures, "billed_cost", "unblended_cost")
    discount_rate = 1 - amortized / on_demand if on_demand else float("nan")

    cols = st.columns(5 if abs(billed - unblended) > 0.005 else 4)
    cols[0].metric("Public on-demand cost", ui.money(on_demand, currency), help=ui.term("public_on_demand_cost_basis"))
    cols[1].metric("Amortized cost", ui.money(amortized, currency), help=ui.term("amortized_cost"))
    cols[2].metric("Unblended cost", ui.money(unblended, currency), help=ui.term("unblended_cost"))
    cols[3].metric("Effective discount rate", ui.percent(discount_rate), help=ui.term("effective_discount_rate"))
    if len(cols) == 5:
        cols[4].metric("Billed cost (net)", ui.money(billed, currency), help=ui.term("billed_cost"))

    steps = [
        (label, _amount(figures, layer))
        for layer, _, label in layer_columns()
        if layer != "on_demand" and abs(_amount(figures, layer)) > 0.005
    ]
    bars = charts.waterfall_steps(
        "Public on-demand",
        on_demand,
        [
            (steps, "Amortized"),
            ([("RI/SP true-up and upfront fees", billed - amortized)], "Billed (invoice)"),
        ],
    )
    ui.heading(f"Waterfall for {formats.month(month)} {ui.partial_note(month)} ({currency})", "cost_layer")
    st.altair_chart(charts.waterfall(bars, currency), width="stretch")

    ui.heading("Layers by month", "cost_layer")
    shown = table.rename(columns={"on_demand": "on_demand_layer"})
    shown.insert(1, "month_status", ["Partial" if ui.is_open_month(m) else "Complete" for m in shown["month"]])
    ui.table(
        shown,
        "cost layers by month",
        currency=currency,
        first=["month", "month_status", "currency", "public_on_demand_cost", "amortized_cost", "billed_cost"],
    )

    if data.has_mart(BRIDGE):
        ui.heading("Cash bridge (per payer and currency)", "cash_bridge", "ri_sp_trueup")
        bridge_month = data.pick(BRIDGE, "billing_period") or "billing_period"
        bridge_where = data.where(BRIDGE, {}, bridge_month, selection.dates, monthly=True)
        bridge = data.rows(BRIDGE, None, bridge_where, order_by=[bridge_month, "payer_account_id", "currency"])
        if any(selection.values.values()):
            st.caption("The cash bridge is per payer and currency: dimension filters do not apply.")
        if bridge.empty:
            ui.missing("cash bridge", BRIDGE)
        else:
            ui.table(
                bridge,
                "cash bridge",
                currency=currency,
                first=[bridge_month, "payer_account_id", "currency", "bridge_difference", "is_balanced"],
            )


render()
