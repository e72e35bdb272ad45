"""How accurate each forecast source has been by horizon; the vintages of one host type against actuals."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from streamlit_app import charts, data, filters, formats, ui

ACCURACY = "fct_forecast_accuracy"
VINTAGES = "fct_forecast_vintages"
ACTUALS = "fct_itemized_actuals"
HINT = "run `cloudcost demo` (it replays forecast history), or load forecasts and run `cloudcost build`"
BUCKETS = ("0", "1-7", "8-14", "15-28", "29-35", "36+")
ALL_MEMBERS = "(all)"
METRICS = {
    "wape": ("WAPE", "forecast_wape"),
    "bias": ("Bias", "forecast_bias"),
    "mape": ("MAPE", "forecast_mape"),
    "interval_coverage": ("Interval coverage", "forecast_interval_coverage"),
}
SUMS = ("n_points", "n_points_nonzero_actual", "n_points_with_interval", "sum_actual", "sum_forecast",
        "sum_absolute_error")  # fmt: skip


def accuracy_by_horizon(where: data.Where, by_currency: bool = False) -> pd.DataFrame:
    """Accuracy per source × horizon bucket over the chosen months, recomputed exactly from the mart's rows.

    WAPE = Σ|error| / Σ actual and bias = (Σ forecast − Σ actual) / Σ actual over all the points; MAPE and
    interval coverage are means over their own points, so each month's figure is weighted by its count."""
    rows = data.rows(
        ACCURACY,
        ("forecast_source", "horizon_bucket", "currency", "mape", "interval_coverage", *SUMS),
        where,
    )
    if rows.empty:
        return rows
    keys = ["forecast_source", "horizon_bucket"] + (["currency"] if by_currency else [])
    rows = rows.assign(
        mape_weight=rows["mape"] * rows["n_points_nonzero_actual"],
        coverage_weight=rows["interval_coverage"] * rows["n_points_with_interval"],
    )
    frame = rows.groupby(keys, as_index=False, dropna=False)[[*SUMS, "mape_weight", "coverage_weight"]].sum(min_count=1)
    actual = frame["sum_actual"].where(frame["sum_actual"] != 0)
    frame["wape"] = frame["sum_absolute_error"] / actual
    frame["bias"] = (frame["sum_forecast"] - frame["sum_actual"]) / actual
    frame["mape"] = frame["mape_weight"] / frame["n_points_nonzero_actual"].where(frame["n_points_nonzero_actual"] > 0)
    frame["interval_coverage"] = frame["coverage_weight"] / frame["n_points_with_interval"].where(
        frame["n_points_with_interval"] > 0
    )
    frame["bucket_order"] = frame["horizon_bucket"].map({b: i for i, b in enumerate(BUCKETS)}).fillna(99)
    frame = frame.sort_values([*keys[:1], "bucket_order", *keys[2:]]).reset_index(drop=True)
    return frame[[*keys, "wape", "bias", "mape", "interval_coverage", *SUMS]]


def render_accuracy(selection: filters.Selection) -> None:
    ui.heading("Accuracy by source and horizon", "fct_forecast_accuracy", "forecast_wape")
    measures = data.distinct_values(ACCURACY, "measure")
    left, middle, right = st.columns(3)
    with left:
        default = ["normalized_units"] if "normalized_units" in measures else []
        measure = ui.choose(
            "Measure",
            default + [m for m in measures if m not in default],
            "accuracy_measure",
            ui.term("forecast_measure"),
            format_func=lambda name: str(name).replace("_", " "),
        )
    grains = data.distinct_values(ACCURACY, "forecast_grain", data.where(ACCURACY, {"measure": (measure,)}))
    with middle:
        grain = ui.choose("Grain", grains, "accuracy_grain", ui.term("forecast_grain"))
    members = data.distinct_values(
        ACCURACY, "grain_member", data.where(ACCURACY, {"measure": (measure,), "forecast_grain": (grain,)})
    )
    with right:
        ordered = [ALL_MEMBERS] * (ALL_MEMBERS in members) + [m for m in members if m != ALL_MEMBERS]
        member = ui.choose("Member", ordered, "accuracy_member", ui.term("forecast_grain_member"))
    if measure is None or grain is None or member is None:
        ui.missing("forecast accuracy", ACCURACY, HINT)
        return
    values = {
        **selection.values,
        "measure": (measure,),
        "forecast_grain": (grain,),
        "grain_member": (member,),
    }
    where = data.where(ACCURACY, values, "forecast_month", selection.dates, monthly=True)
    table = accuracy_by_horizon(where, by_currency=measure != "normalized_units")
    if table.empty:
        ui.missing("forecast accuracy", ACCURACY, HINT)
        return
    metric = ui.choose(
        "Chart", list(METRICS), "accuracy_metric", ui.term("forecast_wape"), format_func=lambda m: METRICS[m][0]
    )
    best = table[table["horizon_bucket"] == "1-7"].dropna(subset=["wape"]).sort_values("wape")
    if not best.empty:
        cols = st.columns(2)
        cols[0].metric(
            "Most accurate at 1–7 days (WAPE)",
            f"{formats.label(best.iloc[0]['forecast_source'])}: {ui.percent(best.iloc[0]['wape'])}",
            help=ui.term("forecast_wape"),
        )
        cols[1].metric("Its bias at 1–7 days", ui.percent(best.iloc[0]["bias"]), help=ui.term("forecast_bias"))
    order = [b for b in BUCKETS if b in set(table["horizon_bucket"])]
    st.altair_chart(
        charts.grouped_bars(
            table.dropna(subset=[metric]), "horizon_bucket", metric, "forecast_source",
            "horizon (days ahead)", METRICS[metric][0], ".0%", order,
        ),
        width="stretch",
    )  # fmt: skip
    ui.table(table, "forecast accuracy by horizon")
    with st.expander("Per month (the mart's rows)"):
        detail = data.rows(
            ACCURACY,
            ("forecast_month", "forecast_source", "horizon_bucket", "wape", "bias", "mape", "interval_coverage",
             "n_points", "sum_actual", "sum_forecast", "sum_absolute_error"),
            where,
            order_by=["forecast_month", "forecast_source", "horizon_bucket"],
        )  # fmt: skip
        ui.table(detail, "forecast accuracy by month")


def fan_dates(selection: filters.Selection, monthly: bool) -> tuple[date | None, date | None]:
    """The fan's days: every vintage and actual unless the user chose a range (a monthly range then ends
    on its last month's last day, so the range's last month is shown whole)."""
    if not filters.persisted("dates"):
        return None, None
    first, last = selection.dates
    if monthly and last is not None:
        last = (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).date()
    return first, last


def render_fan(selection: filters.Selection, monthly: bool = False) -> None:
    ui.heading("Vintages against actuals", "forecast_vintage", "itemized_actuals")
    if not data.has_mart(VINTAGES):
        ui.missing("forecast vintages", VINTAGES, HINT)
        return
    usage = {"forecast_kind": ("usage",), "forecast_grain": ("host_type",)}
    sources = selection.get("forecast_source") or tuple(
        data.distinct_values(VINTAGES, "forecast_source", data.where(VINTAGES, usage))
    )
    volumes = data.aggregate(
        VINTAGES,
        ["host_type"],
        [("sum", "normalized_units", "units")],
        data.where(VINTAGES, {**usage, "forecast_source": sources}),
        order_by=["units"],
        descending=True,
    )
    host_types = [str(h) for h in volumes["host_type"].dropna()] if not volumes.empty else []
    left, right = st.columns(2)
    with left:
        host_type = ui.choose(
            "Host type", host_types, "fan_host_type", "Largest first. " + (ui.term("host_type") or "")
        )
    with right:
        source = ui.choose(
            "Forecast source", list(sources), "fan_source", ui.term("forecast_source"), format_func=formats.label
        )
    if host_type is None or source is None:
        ui.missing("usage forecasts by host type", VINTAGES, HINT)
        return
    chosen = {**usage, "forecast_source": (source,), "host_type": (host_type,)}
    where = data.where(VINTAGES, chosen, "target_date", fan_dates(selection, monthly))
    vintages = data.aggregate(
        VINTAGES,
        ["generated_at", "target_date"],
        [("sum", "normalized_units", "forecast"), ("sum", "lower_bound", "lower"), ("sum", "upper_bound", "upper")],
        where,
        order_by=["generated_at", "target_date"],
    )
    if vintages.empty:
        ui.missing("forecast vintages", VINTAGES, HINT)
        return
    vintages["vintage"] = pd.to_datetime(vintages["generated_at"]).dt.strftime("%Y-%m-%d %H:%M")
    actuals = pd.DataFrame(columns=["target_date", "actual"])
    if data.has_mart(ACTUALS):
        actual_where = data.where(
            ACTUALS,
            {"actual_kind": ("usage",), "forecast_grain": ("host_type",), "host_type": (host_type,)},
            "actual_date",
            (vintages["target_date"].min(), vintages["target_date"].max()),
        )
        actuals = data.aggregate(
            ACTUALS, ["actual_date"], [("sum", "normalized_units", "actual")], actual_where, order_by=["actual_date"]
        ).rename(columns={"actual_date": "target_date"})
    st.caption(
        f"{vintages['vintage'].nunique()} vintages of {formats.label(source)} for host type `{host_type}`, "
        f"{formats.day(vintages['target_date'].min())} to {formats.day(vintages['target_date'].max())}: "
        "each line is one generation (darker = later), the band its interval; the black line is the itemized actual "
        "(daily xlarge-normalized units)."
    )
    st.altair_chart(charts.fan(vintages, actuals, "normalized units (xlarge)"), width="stretch")
    ui.table(vintages.drop(columns=["vintage"]), "forecast vintages")


def render() -> None:
    st.title("Forecast accuracy")
    st.caption("How close each forecast source came, by how far ahead it was made; every past vintage is kept.")
    if not (data.has_mart(ACCURACY) or data.has_mart(VINTAGES)):
        ui.missing("forecasts", ACCURACY, HINT)
        return
    if data.has_mart(ACCURACY):
        selection = filters.sidebar(ACCURACY, ("forecast_source",), "forecast_month")
        render_accuracy(selection)
        render_fan(selection, monthly=True)
        return
    selection = filters.sidebar(VINTAGES, ("forecast_source",), "target_date")
    ui.missing("forecast accuracy", ACCURACY, HINT)
    render_fan(selection)


render()
