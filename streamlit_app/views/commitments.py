"""RI and Savings Plans coverage against target per service and family, utilization, and what expires soon."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from streamlit_app import charts, data, filters, ui

COVERAGE = "fct_commitment_coverage"
UTILIZATION = "fct_commitment_utilization"
COMMITMENTS = "dim_commitment"
HINT = "run `cloudcost build` on a CUR that has reserved instances or Savings Plans"

# coverage measure -> (numerator column, denominator columns): recomputed from sums over the chosen days,
# exactly as DESIGN §3.5 defines them (a ratio of sums, never an average of daily ratios)
COVERAGES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "ri_coverage": (
        "ri_covered_units",
        ("ri_covered_units", "sp_covered_units", "on_demand_units"),
        "RI coverage",
    ),
    "sp_coverage": ("sp_covered_cost", ("sp_covered_cost", "sp_eligible_on_demand_cost"), "SP coverage"),
    "commitment_coverage": (
        "commitment_covered_cost",
        ("commitment_covered_cost", "eligible_on_demand_cost"),
        "Commitment coverage",
    ),
}


def coverage_sums(selection: filters.Selection, by: list[str]) -> pd.DataFrame:
    """Σ of each coverage's numerator and denominator parts over the chosen days, grouped ``by``."""
    parts = sorted({c for numerator, denominator, _ in COVERAGES.values() for c in (numerator, *denominator)})
    where = data.where(COVERAGE, selection.values, "usage_date", selection.dates)
    frame = data.aggregate(COVERAGE, by, [("sum", part, part) for part in parts], where, order_by=by)
    for name, (numerator, denominator, _) in COVERAGES.items():
        if numerator in frame and all(c in frame for c in denominator):
            total = sum(frame[c].fillna(0) for c in denominator)
            frame[name] = frame[numerator].fillna(0) / total.where(total != 0)
    return frame


def targets(selection: filters.Selection, by: list[str]) -> pd.DataFrame:
    """The latest target in the range per (metric, by...), when the mart carries targets."""
    target = data.pick(COVERAGE, "target_coverage", "coverage_target", "target")
    metric = data.pick(COVERAGE, "target_metric", "metric")
    if not target or not metric:
        return pd.DataFrame()
    where = data.where(COVERAGE, selection.values, "usage_date", selection.dates)
    return data.aggregate(COVERAGE, [metric, *by], [("max", target, "target")], where).rename(
        columns={metric: "target_metric"}
    )


def render_coverage(selection: filters.Selection) -> None:
    ui.heading("Coverage against target", "commitment_coverage", "ri_coverage", "sp_coverage")
    overall = coverage_sums(selection, [])
    if overall.empty:
        ui.missing("coverage", COVERAGE, HINT)
        return
    shown = [name for name in COVERAGES if name in overall]
    cols = st.columns(max(len(shown), 1))
    for column, name in zip(cols, shown, strict=False):
        column.metric(COVERAGES[name][2], ui.percent(overall.iloc[0][name]), help=ui.term(name))

    by = [c for c in ("service_code", "instance_family") if c in data.mart_columns(COVERAGE)]
    detail = coverage_sums(selection, by)
    goal = targets(selection, by)
    measure = ui.choose(
        "Coverage measure",
        shown,
        "coverage_measure",
        "RI coverage in normalized units; SP and commitment coverage in public on-demand cost.",
    )
    if measure and not detail.empty:
        chart_rows = detail.copy()
        chart_rows["slice"] = chart_rows[by].astype(str).agg(" · ".join, axis=1) if by else "all"
        target_column = None
        if not goal.empty:
            chart_rows = chart_rows.merge(
                goal[goal["target_metric"] == measure].drop(columns=["target_metric"]), on=by, how="left"
            )
            target_column = "target"
            chart_rows["gap_to_target"] = chart_rows[measure] - chart_rows["target"]
        st.altair_chart(
            charts.coverage_vs_target(chart_rows, "slice", measure, target_column, COVERAGES[measure][2]),
            width="stretch",
        )
        st.caption("Bars: coverage over the chosen days; red ticks: the target in force (from the targets seed).")
        ui.table(chart_rows.drop(columns=["slice"]), "coverage by service and family")


def render_utilization(selection: filters.Selection) -> None:
    ui.heading("Utilization", "ri_utilization", "sp_utilization")
    if not data.has_mart(UTILIZATION):
        ui.missing("utilization", UTILIZATION, HINT)
        return
    where = data.where(UTILIZATION, selection.values, "usage_date", selection.dates)
    by = [
        c
        for c in ("commitment_id", "commitment_type", "service_code", "instance_family")
        if c in data.mart_columns(UTILIZATION)
    ]
    parts = ["reserved_units", "used_units", "committed_cost", "used_commitment_cost", "unused_cost"]
    frame = data.aggregate(UTILIZATION, by, [("sum", p, p) for p in parts], where, order_by=by)
    if frame.empty:
        ui.missing("utilization", UTILIZATION, HINT)
        return
    if {"reserved_units", "used_units"} <= set(frame):
        frame["ri_utilization"] = frame["used_units"] / frame["reserved_units"].where(frame["reserved_units"] != 0)
    if {"committed_cost", "used_commitment_cost"} <= set(frame):
        frame["sp_utilization"] = frame["used_commitment_cost"] / frame["committed_cost"].where(
            frame["committed_cost"] != 0
        )
    cols = st.columns(3)
    if {"reserved_units", "used_units"} <= set(frame) and frame["reserved_units"].sum():
        cols[0].metric(
            "RI utilization",
            ui.percent(frame["used_units"].sum() / frame["reserved_units"].sum()),
            help=ui.term("ri_utilization"),
        )
    if {"committed_cost", "used_commitment_cost"} <= set(frame) and frame["committed_cost"].sum():
        cols[1].metric(
            "SP utilization",
            ui.percent(frame["used_commitment_cost"].sum() / frame["committed_cost"].sum()),
            help=ui.term("sp_utilization"),
        )
    if "unused_cost" in frame:
        cols[2].metric("Unused commitment cost", ui.money(frame["unused_cost"].sum()), help=ui.term("unused_cost"))
    ui.table(frame, "utilization by commitment")


def render_expiring(selection: filters.Selection) -> None:
    ui.heading("Expiring commitments", "commitment")
    if not data.has_mart(COMMITMENTS):
        ui.missing("commitments", COMMITMENTS, HINT)
        return
    end = data.pick(COMMITMENTS, "end_date", "commitment_end", "end_at", "ends_at")
    if not end:
        st.info("The commitments mart has no end date.")
        return
    days = st.slider("Expiring within (days)", 30, 365, 90, step=15, key="expiring_days")
    as_of = data.date_bounds(COMMITMENTS, end)[0]
    if data.has_mart("fct_cost_daily"):
        as_of = data.date_bounds("fct_cost_daily", "usage_date")[1] or as_of
    if as_of is None:
        ui.missing("commitments", COMMITMENTS, HINT)
        return
    kept = {k: v for k, v in selection.values.items() if k in ("service_code", "instance_family", "region")}
    where = data.where(COMMITMENTS, kept, end, (as_of, as_of + timedelta(days=days)))
    frame = data.rows(COMMITMENTS, None, where, order_by=[end])
    st.caption(
        f"Commitments ending between {as_of:%Y-%m-%d} (data through) and {as_of + timedelta(days=days):%Y-%m-%d}."
    )
    if frame.empty:
        st.success("Nothing expires in that window.", icon=":material/check_circle:")
        return
    ui.table(frame, "expiring commitments")


def render() -> None:
    st.title("Commitments")
    st.caption("Reserved instances and Savings Plans: how much eligible usage they cover, how well they are used.")
    if not any(data.has_mart(m) for m in (COVERAGE, UTILIZATION, COMMITMENTS)):
        ui.missing("commitment data", COVERAGE, "run `cloudcost build`")
        return
    mart = COVERAGE if data.has_mart(COVERAGE) else UTILIZATION
    selection = filters.sidebar(mart, ("service_code", "instance_family", "region", "account_id"), "usage_date")
    render_coverage(selection)
    render_utilization(selection)
    render_expiring(selection)


render()
