"""Budgets against actual and projected cost, per budget and period."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from streamlit_app import data, filters, formats, ui

MART = "fct_budget_status"
COLUMNS = (
    "budget_id",
    "team",
    "service_code",
    "account_id",
    "projected_over",
    "budget_amount",
    "actual_cost_to_date",
    "projected_cost",
    "projected_variance",
    "actual_variance",
    "cost_data_through",
    "cost_basis",
    "scope",
    "is_budgeted",
)


def periods() -> pd.DataFrame:
    """Every (period kind, start) with whether it is open; newest first."""
    frame = data.aggregate(  # is_open_period is the same on every row of a period (no max() of booleans)
        MART, ["period", "period_start", "is_open_period"], [], order_by=["period_start", "period"]
    )
    frame = frame.rename(columns={"is_open_period": "is_open"})
    return frame.iloc[::-1].reset_index(drop=True) if not frame.empty else frame


OPEN = "open"


def status(chosen: str, currency: str, filtered: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """The budgets of one period, or of every open period (``OPEN``), over budget first."""
    selections: dict[str, tuple[object, ...]] = {**filtered, "currency": (currency,)}
    if chosen == OPEN:
        selections["is_open_period"] = (True,)
    else:
        kind, start = chosen.split("|")
        selections |= {"period": (kind,), "period_start": (start,)}
    frame = data.rows(MART, COLUMNS, data.where(MART, selections), order_by=["projected_variance"], descending=True)
    return frame


def render() -> None:
    st.title("Budgets")
    st.caption("Each budget against its actual cost to date and its projection to the end of the period.")
    if not data.has_mart(MART):
        ui.missing("budgets", MART)
        return
    selection = filters.sidebar(MART, ("team",))
    choices = periods()
    if choices.empty:
        ui.missing("budgets", MART)
        return
    open_ones = [f"{row.period}|{row.period_start}" for row in choices.itertuples() if row.is_open]
    options = ([OPEN] if open_ones else []) + [f"{row.period}|{row.period_start}" for row in choices.itertuples()]

    def label(option: str) -> str:
        if option == OPEN:
            return "every open period"
        kind, start = option.split("|")
        return f"{kind} from {start[:7]}" + (" (open)" if option in open_ones else "")

    left, right = st.columns(2)
    with left:
        chosen = ui.choose("Period", options, "budget_period", "Budget period (monthly or quarterly).", label)
    with right:
        currency = ui.choose("Currency", data.distinct_values(MART, "currency") or ["USD"], "currency")
    frame = status(chosen, currency, selection.values)
    if frame.empty:
        ui.missing("budgets", MART)
        return
    budgeted = frame[frame["is_budgeted"].astype(bool)] if "is_budgeted" in frame else frame
    cols = st.columns(4)
    cols[0].metric(
        "Budgeted", formats.money(float(budgeted["budget_amount"].sum()), currency), help=ui.term("fct_budget_status")
    )
    cols[1].metric("Actual to date", formats.money(float(budgeted["actual_cost_to_date"].sum()), currency))
    cols[2].metric("Projected", formats.money(float(budgeted["projected_cost"].sum()), currency))
    cols[3].metric("Projected over budget", f"{int(budgeted['projected_over'].astype(bool).sum())} of {len(budgeted)}")
    if chosen == OPEN or chosen in open_ones:
        st.caption("Open period: the projection adds the run rate to the end of the period to the cost to date.")
    ui.heading(f"Budgets, {label(chosen)} ({currency})", "fct_budget_status")
    ui.table(frame, "budget status", currency=currency)


render()
