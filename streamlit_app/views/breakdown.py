"""Cost by any dimension over time, stacked and as a table with month-over-month change, with a drill-down of one
slice to usage types and resources."""

from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from streamlit_app import data, filters, months, tag_breakdown, ui

MART = "fct_cost_daily"
RESOURCES = "fct_cost_resource_monthly"
DIMENSIONS = (
    ("team", "Team"),
    ("host_type", "Host type"),
    ("functional_group", "Functional group"),
    ("account_id", "Account"),
    ("service_code", "Service"),
    ("region", "Region"),
    ("pricing_model", "Pricing model"),
)
BASES = (
    ("amortized_cost", "Amortized cost"),
    ("public_on_demand_cost", "Public on-demand cost"),
    ("billed_cost", "Billed cost"),
)
TOP_RESOURCES = 50


def by_month(selection: filters.Selection, dimension: str, basis: str, currency: str) -> pd.DataFrame:
    values = {**selection.values, "currency": (currency,)}
    where = data.where(MART, values, "billing_period", selection.dates, monthly=True)
    return data.aggregate(
        MART, ["billing_period", dimension], [("sum", basis, "cost")], where, order_by=["billing_period", dimension]
    )


def change_table(frame: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """One row per value of ``dimension``: the latest month against the previous one, then every month."""
    pivot = frame.pivot_table(index=dimension, columns="billing_period", values="cost", aggfunc="sum").fillna(0.0)
    periods = sorted(pivot.columns)
    last = periods[-1]
    previous = months.shift(last, -1)
    table = pd.DataFrame({dimension: pivot.index.astype(str)})
    table["this_month_cost"] = pivot[last].to_numpy()
    table["previous_month_cost"] = pivot[previous].to_numpy() if previous in pivot else None
    if previous in pivot:
        table["change_cost"] = table["this_month_cost"] - table["previous_month_cost"]
        table["change_share"] = [
            change / abs(before) if before else None
            for change, before in zip(table["change_cost"], table["previous_month_cost"], strict=True)
        ]
    for period in reversed(periods):
        table[f"{period:%Y-%m}_cost"] = pivot[period].to_numpy()
    return table.sort_values("this_month_cost", ascending=False).reset_index(drop=True)


def stacked(frame: pd.DataFrame, dimension: str, label: str, title: str) -> alt.Chart:
    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(
            x=alt.X("billing_period:T", title="Month", timeUnit="yearmonth"),
            y=alt.Y("cost:Q", title="Cost", stack=True, axis=alt.Axis(format="$,.0f")),
            color=alt.Color(f"{dimension}:N", title=label),
            tooltip=[
                alt.Tooltip(f"{dimension}:N", title=label),
                alt.Tooltip("billing_period:T", title="Month", format="%Y-%m"),
                alt.Tooltip("cost:Q", title="Cost", format="$,.2f"),
            ],
        )
        .properties(height=360)
    )


def drill_down(dimension: str, value: str, month: date, basis: str, currency: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The slice's cost by usage type, and its largest resources, in one month."""
    where = data.Where(((dimension, (value,)), ("currency", (currency,)), ("billing_period", (str(month),))))
    usage = data.aggregate(
        RESOURCES,
        ["service_code", "usage_type"],
        [("sum", basis, "cost"), ("sum", "line_count")],
        where,
        order_by=["cost"],
        descending=True,
    )
    resources = data.aggregate(
        RESOURCES,
        ["resource_id", "service_code", "usage_type", "account_id", "region"],
        [("sum", basis, "cost")],
        where,
        order_by=["cost"],
        descending=True,
        limit=TOP_RESOURCES,
    )
    return usage, resources


def render_drill_down(table: pd.DataFrame, dimension: str, label: str, basis: str, currency: str) -> None:
    if not data.has_mart(RESOURCES):
        ui.missing("resource drill-down", RESOURCES)
        return
    month_options = [c.removesuffix("_cost") for c in table.columns if c[:4].isdigit()]
    left, right = st.columns(2)
    with left:
        value = ui.choose(
            label, list(table[dimension]), f"breakdown_slice_{dimension}", f"The {label.lower()} to drill into."
        )
    with right:
        month_text = ui.choose("Month", month_options, "breakdown_month", "The month to drill into.")
    if value is None or month_text is None:
        return
    month = date.fromisoformat(f"{month_text}-01")
    usage, resources = drill_down(dimension, str(value), month, basis, currency)
    ui.heading(f"{label} {value}, {month_text}: by usage type", "usage_type")
    ui.table(usage, "drill-down by usage type", currency=currency)
    ui.heading(f"{label} {value}, {month_text}: largest {TOP_RESOURCES} resources", "resource_id")
    st.caption("An empty resource id holds the lines without one (fees, tax, most data transfer).")
    ui.table(resources, "drill-down by resource", currency=currency)


def partial_notice(frame: pd.DataFrame) -> None:
    """Say so when the latest month shown is still open (its change against a whole month is not a trend)."""
    last = max(frame["billing_period"])
    through = data.date_bounds(MART, "usage_date")[1]
    if through and through < months.month_end(last):
        st.caption(
            f":material/schedule: {last:%Y-%m} is open (partial): data through {through:%Y-%m-%d}, "
            f"{(through - last).days + 1} of {months.days_in_month(last)} days."
        )


def cost_frame(
    selection: filters.Selection, dimension: str, basis: str, currency: str
) -> tuple[pd.DataFrame, str, str]:
    """(cost per month and value, the value column, its label) for a column or a tag key / cost category."""
    if ":" not in dimension:
        return by_month(selection, dimension, basis, currency), dimension, dict(DIMENSIONS)[dimension]
    rows = tag_breakdown.key_rows({**selection.values, "currency": (currency,)}, selection.dates)
    return tag_breakdown.by_month(rows, dimension), tag_breakdown.VALUE_COLUMN, tag_breakdown.label(dimension)


def choices() -> tuple[list[str], Any]:
    """The dimensions to break down by (columns, then tag keys and cost categories) and their labels."""
    tags = tag_breakdown.options(tag_breakdown.key_rows({}, (None, None)))
    labels = {**dict(DIMENSIONS), **{option: tag_breakdown.label(option) for option in tags}}
    return [d for d, _ in DIMENSIONS] + tags, labels.get


def render() -> None:
    st.title("Breakdown")
    st.caption("Cost by any dimension over time, with month-over-month change, and a drill-down to resources.")
    if not data.has_mart(MART):
        ui.missing("cost data", MART)
        return
    selection = filters.sidebar(MART, filters.DIMENSION_FILTERS, date_column="billing_period")
    dimensions, label_of = choices()
    columns = st.columns(3)
    with columns[0]:
        dimension = ui.choose("Break down by", dimensions, "breakdown_dimension", None, label_of)
    with columns[1]:
        basis = ui.choose("Cost basis", [b for b, _ in BASES], "breakdown_basis", None, dict(BASES).get)
    with columns[2]:
        currency = ui.choose("Currency", data.distinct_values(MART, "currency") or ["USD"], "currency", None)
    frame, column, label = cost_frame(selection, dimension, basis, currency)
    if frame.empty:
        ui.missing("cost data", MART)
        return
    basis_label = "Amortized cost" if ":" in dimension else dict(BASES)[basis]
    title = f"{basis_label} by {label} ({currency})"
    st.altair_chart(stacked(frame, column, label, title), width="stretch")
    table = change_table(frame, column)
    ui.heading(f"{label}: latest month against the previous", basis)
    partial_notice(frame)
    ui.table(table, f"breakdown by {label.lower()}", currency=currency)
    if ":" in dimension:
        st.caption("Tags and cost categories: amortized cost per allocation key; no drill-down to resources.")
        return
    render_drill_down(table, column, label, basis, currency)


render()
