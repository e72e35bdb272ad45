"""Showback per team: the cost as mapped (direct) and after spreading the shared layers (allocated)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from streamlit_app import data, filters, formats, ui

MART = "fct_cost_showback"
SPREAD_RULE = (
    "**Spread rule**: the shared layers (unused commitments, EDP, private-rate and other discounts, credits, "
    "refunds, tax) and support fees are pooled per billing period, payer and currency and spread to the teams in "
    "proportion to each team's usage cost (its other layers) in the same period, payer and currency. "
    "Σ allocated = Σ direct: nothing is lost or doubled."
)


def per_team(month: object, currency: str, chosen: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    selections = {**chosen, "currency": (currency,), "billing_period": (str(month),)}
    where = data.where(MART, selections)
    frame = data.aggregate(
        MART,
        ["team"],
        [
            ("sum", "direct_amount"),
            ("sum", "direct_shared_amount"),
            ("sum", "allocated_shared_amount"),
            ("sum", "allocated_amount"),
        ],
        where,
        order_by=["team"],
    )
    if frame.empty:
        return frame
    frame["direct_unshared_amount"] = frame["direct_amount"] - frame["direct_shared_amount"]
    frame["spread_difference_amount"] = frame["allocated_amount"] - frame["direct_amount"]
    ordered = [
        "team",
        "allocated_amount",
        "direct_amount",
        "direct_unshared_amount",
        "direct_shared_amount",
        "allocated_shared_amount",
        "spread_difference_amount",
    ]
    return frame[ordered].sort_values("allocated_amount", ascending=False).reset_index(drop=True)


def per_layer(month: object, currency: str, chosen: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    selections = {**chosen, "currency": (currency,), "billing_period": (str(month),)}
    return data.aggregate(
        MART,
        ["layer_order", "layer", "is_shared_layer"],
        [("sum", "direct_amount"), ("sum", "allocated_amount")],
        data.where(MART, selections),
        order_by=["layer_order"],
    )


def render() -> None:
    st.title("Showback")
    st.caption("What each team costs: as mapped (direct) and with the shared cost spread to the teams (allocated).")
    st.info(SPREAD_RULE, icon=":material/call_split:")
    if not data.has_mart(MART):
        ui.missing("showback", MART)
        return
    selection = filters.sidebar(MART, ("team",))
    periods = data.distinct_values(MART, "billing_period")
    left, right = st.columns(2)
    with left:
        month = ui.choose("Month", periods[::-1], "showback_month", "Billing period.", format_func=lambda v: v[:7])
    with right:
        currency = ui.choose("Currency", data.distinct_values(MART, "currency") or ["USD"], "currency")
    if month is None:
        ui.missing("showback", MART)
        return
    teams = per_team(month, currency, selection.values)
    if teams.empty:
        ui.missing("showback", MART)
        return
    total = float(teams["allocated_amount"].sum())
    shared = float(teams["allocated_shared_amount"].sum())
    cols = st.columns(3)
    cols[0].metric("Amortized cost (allocated)", formats.money(total, currency), help=ui.term("showback"))
    cols[1].metric("Shared cost spread", formats.money(shared, currency), help=ui.term("showback"))
    cols[2].metric("Teams", f"{len(teams)}")
    ui.heading(f"Per team, {month[:7]} ({currency})", "showback", "team")
    ui.table(teams, "showback per team", currency=currency)
    ui.heading("Per layer", "cost_layer")
    ui.table(per_layer(month, currency, selection.values), "showback per layer", currency=currency)


render()
