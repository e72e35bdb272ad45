"""The infra cost of one business transaction over time, fully loaded and marginal."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from streamlit_app import charts, data, filters, formats, ui

MART = "fct_unit_cost"
HINT = "load business volumes and run `cloudcost build`"
# (label, column, docs block)
MEASURES = (
    ("Fully loaded, amortized", "fully_loaded_amortized_unit_cost", "unit_cost_fully_loaded"),
    ("Marginal, amortized", "marginal_amortized_unit_cost", "unit_cost_marginal"),
    ("Fully loaded, public on-demand", "fully_loaded_on_demand_unit_cost", "unit_cost_fully_loaded"),
    ("Marginal, public on-demand", "marginal_on_demand_unit_cost", "unit_cost_marginal"),
)
COLUMNS = (
    "period_start",
    "metric_name",
    "scope",
    "functional_group",
    "currency",
    "unit_label",
    "business_volume",
    "fully_loaded_amortized_unit_cost",
    "marginal_amortized_unit_cost",
    "fully_loaded_on_demand_unit_cost",
    "marginal_on_demand_unit_cost",
    "fully_loaded_amortized_cost",
    "marginal_amortized_cost",
)


def render() -> None:
    st.title("Unit cost")
    st.caption(
        "Infra cost per unit of a business metric (e.g. per 1,000 payments): fully loaded (the group's cost "
        "plus its share of shared and unallocated cost) and marginal (the group's own cost only)."
    )
    if not data.has_mart(MART):
        ui.missing("unit cost", MART, HINT)
        return
    selection = filters.sidebar(MART, ("metric_name", "functional_group", "currency"), "period_start")
    left, right = st.columns(2)
    with left:
        grains = data.distinct_values(MART, "period_grain") or ["day"]
        grain = ui.choose(
            "Grain",
            sorted(grains, key=lambda g: g != "month"),  # monthly first: daily figures are noisy
            "unit_cost_grain",
            "Monthly (default) or daily figures.",
            format_func=formats.label,
        )
    available = [m for m in MEASURES if m[1] in data.mart_columns(MART)]
    with right:
        label = ui.choose(
            "Measure", [m[0] for m in available], "unit_cost_measure", ui.term("unit_cost", "fct_unit_cost")
        )
    values = {**selection.values, "period_grain": (grain,) if grain else ()}
    where = data.where(MART, values, "period_start", selection.dates)
    frame = data.rows(MART, COLUMNS, where, order_by=["period_start", "metric_name", "scope", "functional_group"])
    if frame.empty or label is None:
        ui.missing("unit cost", MART, HINT)
        return
    _, column, term_name = next(m for m in available if m[0] == label)
    chart_rows = frame.dropna(subset=[column]).copy()
    if chart_rows.empty:  # rows exist, but none has this measure (e.g. no volume for the metric yet)
        st.info(
            f"No {label.lower()} figures yet: no business volume matches these rows — {HINT}.",
            icon=":material/hourglass:",
        )
        ui.table(frame, "unit cost")
        return
    names = chart_rows[["metric_name", "scope", "functional_group"]].fillna("").astype(str)
    chart_rows["series"] = [" · ".join(part for part in parts if part) for parts in names.itertuples(index=False)]
    chart_rows["period_start"] = pd.to_datetime(chart_rows["period_start"])
    unit = str(chart_rows["unit_label"].dropna().iloc[0]) if chart_rows["unit_label"].notna().any() else "unit"
    latest = chart_rows.sort_values("period_start").groupby("series").tail(1)
    when = formats.month if grain == "month" else formats.day
    st.caption(f"{label} cost per {unit}, latest {'month' if grain == 'month' else 'day'} of each series.")
    cols = st.columns(3)
    for index, (_, row) in enumerate(latest.head(6).iterrows()):
        cols[index % 3].metric(
            f"{row['series']}, {when(row['period_start'])}",
            formats.unit_money(row[column], row.get("currency") or "USD"),
            help=ui.term(term_name, "unit_cost"),
            border=True,
        )
    axis_format = "$,.2f" if chart_rows[column].abs().max() >= 1 else "$,.4f"
    ui.heading(f"{label} cost per {unit}", "unit_cost")
    st.altair_chart(
        charts.lines(chart_rows, "period_start", column, "series", grain or "date", f"$ per {unit}", axis_format),
        width="stretch",
    )
    ui.table(frame, "unit cost", first=["period_start", "metric_name", "functional_group", column, "business_volume"])


render()
