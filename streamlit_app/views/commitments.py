"""RI and Savings Plans coverage against target per service and family, utilization, and what expires soon."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from streamlit_app import charts, data, filters, formats, ui

COVERAGE = "fct_commitment_coverage"
UTILIZATION = "fct_commitment_utilization"
COMMITMENTS = "dim_commitment"
HINT = "run `cloudcost build` on a CUR that has reserved instances or Savings Plans"
FILTERS = ("service_code", "instance_family", "region", "payer_account_id")

# coverage -> (label, numerator parts, denominator parts), summed over the chosen days and slices: a ratio
# of sums, exactly as the mart defines each day's figure (never an average of daily ratios). Commitment
# coverage comes first and is the default: it counts RI and SP alike, where RI coverage alone reads 0 % for a
# family that Savings Plans cover.
COVERAGES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "commitment_coverage": (
        "Commitment coverage (cost)",
        ("ri_covered_list_cost", "sp_covered_list_cost"),
        ("ri_covered_list_cost", "sp_covered_list_cost", "on_demand_list_cost"),
    ),
    "ri_coverage": (
        "RI coverage (units)",
        ("ri_covered_units",),
        ("ri_covered_units", "sp_covered_units", "on_demand_units"),
    ),
    "sp_coverage": (
        "SP coverage (cost)",
        ("sp_covered_list_cost",),
        ("sp_covered_list_cost", "sp_eligible_on_demand_list_cost"),
    ),
}
PARTS = (
    "ri_covered_units",
    "sp_covered_units",
    "on_demand_units",
    "spot_units",
    "ri_covered_list_cost",
    "sp_covered_list_cost",
    "on_demand_list_cost",
    "sp_eligible_on_demand_list_cost",
)


def coverage_sums(selection: filters.Selection, by: list[str]) -> pd.DataFrame:
    """Σ of the coverage parts over the chosen days, grouped ``by``, with each coverage recomputed."""
    where = data.where(COVERAGE, selection.values, "usage_date", selection.dates)
    frame = data.aggregate(COVERAGE, by, [("sum", part, part) for part in PARTS], where, order_by=by)
    for name, (_, numerator, denominator) in COVERAGES.items():
        if all(c in frame for c in (*numerator, *denominator)):
            top = sum(frame[c].fillna(0) for c in numerator)
            bottom = sum(frame[c].fillna(0) for c in denominator)
            frame[name] = top / bottom.where(bottom != 0)
    return frame


def targets_in_force(selection: filters.Selection, by: list[str], measure: str) -> pd.DataFrame:
    """The target of ``measure`` on the last day of the range, per slice (targets are effective-dated)."""
    target = f"{measure}_target"
    if target not in data.mart_columns(COVERAGE):
        return pd.DataFrame()
    where = data.where(COVERAGE, selection.values, "usage_date", selection.dates)
    last = data.aggregate(COVERAGE, [], [("max", "usage_date", "last_day")], where)
    if last.empty or pd.isna(last.iloc[0]["last_day"]):
        return pd.DataFrame()
    day = last.iloc[0]["last_day"]
    on_last_day = data.where(COVERAGE, selection.values, "usage_date", (day, day))
    return data.aggregate(COVERAGE, by, [("max", target, "target")], on_last_day)


def period(selection: filters.Selection) -> str:
    """The days the figures cover, in words: the chosen range, else the data's whole range."""
    first, last = data.date_bounds(COVERAGE, "usage_date")
    first = selection.date_from or first
    last = selection.date_to or last
    if first is None or last is None:
        return ""
    return f"{formats.day(first)} to {formats.day(last)}"


def headline(selection: filters.Selection, overall: pd.DataFrame, shown: list[str]) -> None:
    """One KPI per coverage over the period, with the target in force beside it (as the delta)."""
    cols = st.columns(max(len(shown), 1))
    for column, name in zip(cols, shown, strict=False):
        value = overall.iloc[0][name]
        goal = targets_in_force(selection, [], name)
        target = goal.iloc[0]["target"] if not goal.empty and pd.notna(goal.iloc[0]["target"]) else None
        delta = None
        if target is not None and pd.notna(value):
            delta = f"{(value - target) * 100:+.1f} pts vs target {formats.percent(target)}"
        column.metric(
            COVERAGES[name][0],
            ui.percent(value),
            delta=delta,
            help=ui.term(name),
            border=True,
        )
        if target is None:
            column.caption("No target set")


def render_coverage(selection: filters.Selection) -> None:
    span = period(selection)
    ui.heading(f"Coverage against target, {span}" if span else "Coverage against target", "commitment_coverage")
    overall = coverage_sums(selection, [])
    shown = [name for name in COVERAGES if name in overall]
    if overall.empty or not shown or overall[shown].isna().all(axis=None):
        ui.missing("coverage", COVERAGE, HINT)
        return
    headline(selection, overall, shown)

    by = [c for c in ("service_code", "instance_family") if c in data.mart_columns(COVERAGE)]
    detail = coverage_sums(selection, by)
    measure = ui.choose(
        "Coverage measure",
        shown,
        "coverage_measure",
        "RI coverage in xlarge-normalized units; SP and commitment coverage in public on-demand cost.",
        format_func=lambda name: COVERAGES[name][0],
    )
    if not measure or detail.empty:
        return
    detail = detail[detail[measure].notna()].copy()
    goal = targets_in_force(selection, by, measure)
    target_column = None
    if not goal.empty:
        detail = detail.merge(goal, on=by, how="left")
        detail["gap_to_target"] = detail[measure] - detail["target"]
        target_column = "target"
    detail["slice"] = detail[by].fillna("").astype(str).agg(" · ".join, axis=1) if by else "all"
    st.altair_chart(
        charts.coverage_vs_target(detail, "slice", measure, target_column, COVERAGES[measure][0]),
        width="stretch",
    )
    st.caption("Bars: coverage over the chosen days. Red ticks: the target in force on the last day (targets seed).")
    ui.table(
        detail.drop(columns=["slice"]),
        "coverage by service and family",
        first=[*by, measure, "target", "gap_to_target"],
    )


def render_utilization(selection: filters.Selection) -> None:
    ui.heading("Utilization", "utilization")
    if not data.has_mart(UTILIZATION):
        ui.missing("utilization", UTILIZATION, HINT)
        return
    where = data.where(UTILIZATION, selection.values, "usage_date", selection.dates)
    by = ["commitment_id", "commitment_type", "service_code", "instance_family", "region"]
    parts = ["reserved_units", "used_units", "committed_cost", "used_cost", "unused_cost", "net_savings"]
    frame = data.aggregate(
        UTILIZATION,
        by,
        [("sum", p, p) for p in parts] + [("max", "commitment_end_at", "commitment_end_at")],
        where,
        order_by=["commitment_type", "service_code", "commitment_id"],
    )
    if frame.empty:
        ui.missing("utilization", UTILIZATION, HINT)
        return
    reserved = frame["commitment_type"] == "reserved_instance"
    units = frame["used_units"] / frame["reserved_units"].where(frame["reserved_units"] != 0)
    dollars = frame["used_cost"] / frame["committed_cost"].where(frame["committed_cost"] != 0)
    frame.insert(len(by), "utilization", units.where(reserved, dollars))
    cols = st.columns(3)
    ri = frame[reserved]
    sp = frame[~reserved]
    if ri["reserved_units"].sum():
        cols[0].metric(
            "RI utilization (units)",
            ui.percent(ri["used_units"].sum() / ri["reserved_units"].sum()),
            help=ui.term("utilization"),
        )
    if sp["committed_cost"].sum():
        cols[1].metric(
            "SP utilization (commitment)",
            ui.percent(sp["used_cost"].sum() / sp["committed_cost"].sum()),
            help=ui.term("utilization"),
        )
    cols[2].metric("Unused commitment cost", ui.money(frame["unused_cost"].sum()), help=ui.term("layer_ri_unused"))
    ui.table(
        frame,
        "utilization by commitment",
        first=["commitment_type", "service_code", "instance_family", "utilization", "unused_cost", "net_savings"],
    )


def render_expiring(selection: filters.Selection) -> None:
    ui.heading("Expiring commitments", "commitment")
    if not data.has_mart(COMMITMENTS):
        ui.missing("commitments", COMMITMENTS, HINT)
        return
    days = st.slider("Expiring within (days)", 30, 730, 180, step=30, key="expiring_days")
    as_of = data.date_bounds(COMMITMENTS, "as_of_date")[1]
    if as_of is None:
        ui.missing("commitments", COMMITMENTS, HINT)
        return
    kept = {k: v for k, v in selection.values.items() if k in FILTERS}
    until = as_of + timedelta(days=days)
    where = data.where(COMMITMENTS, kept, "commitment_end_at", (as_of, until))
    columns = (
        "commitment_id", "commitment_type", "service_code", "region", "instance_type", "instance_family",
        "payment_option", "term", "offering_class", "number_of_reservations", "normalized_units_per_hour",
        "hourly_commitment", "commitment_start_at", "commitment_end_at", "days_to_expiry",
    )  # fmt: skip
    frame = data.rows(COMMITMENTS, columns, where, order_by=["commitment_end_at"])
    st.caption(f"Commitments ending between {as_of:%Y-%m-%d} (data as of) and {until:%Y-%m-%d}.")
    if frame.empty:
        st.success("Nothing expires in that window.", icon=":material/check_circle:")
        return
    ui.table(
        frame,
        "expiring commitments",
        first=["commitment_end_at", "days_to_expiry", "commitment_type", "service_code", "instance_type"],
    )


def render() -> None:
    st.title("Commitments")
    st.caption("Reserved instances and Savings Plans: how much eligible usage they cover, how well they are used.")
    if not any(data.has_mart(m) for m in (COVERAGE, UTILIZATION, COMMITMENTS)):
        ui.missing("commitment data", COVERAGE, "run `cloudcost build`")
        return
    mart = COVERAGE if data.has_mart(COVERAGE) else UTILIZATION
    selection = filters.sidebar(mart, FILTERS, "usage_date")
    render_coverage(selection)
    render_utilization(selection)
    render_expiring(selection)


render()
