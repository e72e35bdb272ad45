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


def headline(chart_rows: pd.DataFrame, column: str, term_name: str, label: str, grain: str | None) -> None:
    """The latest figure of each series, one row of short KPIs per business metric (its unit in the line
    above), so no label is cut off."""
    when = formats.month if grain == "month" else formats.day
    latest = chart_rows.sort_values("period_start").groupby("series").tail(1)
    for metric, rows in latest.groupby("metric_name", sort=True):
        unit = rows["unit_label"].dropna().iloc[0] if rows["unit_label"].notna().any() else "unit"
        st.markdown(f"**{metric}** — {label.lower()} cost per {unit}, {when(rows['period_start'].max())}")
        cols = st.columns(4)
        for index, (_, row) in enumerate(rows.head(8).iterrows()):
            group = row.get("functional_group")
            cols[index % 4].metric(
                "company" if formats.is_missing(group) or group in ("", "all") else str(group),
                formats.unit_money(row[column], row.get("currency") or "USD"),
                help=ui.term(term_name, "unit_cost"),
                border=True,
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
    groups = chart_rows["functional_group"].fillna("").astype(str).replace({"": "company", "all": "company"})
    chart_rows["series"] = chart_rows["metric_name"].astype(str) + " · " + groups
    chart_rows["period_start"] = pd.to_datetime(chart_rows["period_start"])
    units_shown = sorted({str(u) for u in chart_rows["unit_label"].dropna()}) or ["unit"]
    unit = units_shown[0] if len(units_shown) == 1 else "unit"
    headline(chart_rows, column, term_name, label, grain)
    axis_format = "$,.2f" if chart_rows[column].abs().max() >= 1 else "$,.4f"
    ui.heading(f"{label} cost per {unit}", "unit_cost")
    st.altair_chart(
        charts.lines(chart_rows, "period_start", column, "series", grain or "date", f"$ per {unit}", axis_format),
        width="stretch",
    )
    ui.table(frame, "unit cost", first=["period_start", "metric_name", "functional_group", column, "business_volume"])


render()
