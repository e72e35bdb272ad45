"""How accurate each forecast source has been by horizon; the vintages of one host type against actuals."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from streamlit_app import charts, data, filters, ui

ACCURACY = "fct_forecast_accuracy"
VINTAGES = "fct_forecast_vintages"
ACTUALS = "fct_itemized_actuals"
HINT = "run `cloudcost demo` (it replays forecast history), or load forecasts and run `cloudcost build`"
BUCKETS = ("1-7", "8-14", "15-28", "29-35")
METRICS = ("wape", "bias", "mape", "interval_coverage")


def accuracy_table(selection: filters.Selection) -> pd.DataFrame:
    month = data.pick(ACCURACY, "month", "target_month", "forecast_month")
    where = data.where(ACCURACY, selection.values, month, selection.dates, monthly=True)
    return data.rows(ACCURACY, None, where, order_by=[c for c in ("forecast_source", month, "horizon_bucket") if c])


def render_accuracy(selection: filters.Selection) -> None:
    ui.heading("Accuracy by source and horizon", "forecast_accuracy", "wape")
    table = accuracy_table(selection)
    if table.empty:
        ui.missing("forecast accuracy", ACCURACY, HINT)
        return
    month = data.pick(ACCURACY, "month", "target_month", "forecast_month")
    chart_rows = table
    if month and table[month].nunique() > 1:
        chosen = ui.choose(
            "Month of the chart",
            sorted(table[month].drop_duplicates(), reverse=True),
            "accuracy_month",
            "The accuracy mart is per month; the chart shows one month, the table all months in the range.",
        )
        chart_rows = table[table[month] == chosen]
    metric = ui.choose(
        "Measure",
        [m for m in METRICS if m in table.columns],
        "accuracy_metric",
        "WAPE = Σ|actual − forecast| / Σ actual; bias = Σ(forecast − actual) / Σ actual; MAPE where actuals "
        "are non-zero; interval coverage = share of actuals inside the forecast interval.",
    )
    if metric:
        order = [b for b in BUCKETS if b in set(chart_rows["horizon_bucket"])] or None
        st.altair_chart(
            charts.grouped_bars(
                chart_rows.groupby(["forecast_source", "horizon_bucket"], as_index=False)[metric].mean(),
                "horizon_bucket",
                metric,
                "forecast_source",
                "horizon (days ahead)",
                metric.replace("_", " "),
                ".0%",
                order,
            ),
            width="stretch",
        )
    ui.table(table, "forecast accuracy")


def vintage_value_columns() -> tuple[str | None, str | None, str | None]:
    value = data.pick(
        VINTAGES,
        "forecast_units",
        "forecast_normalized_units",
        "normalized_units",
        "forecast_value",
        "quantity",
    )
    lower = data.pick(VINTAGES, "lower_bound", "forecast_lower", "lower_units", "lower")
    upper = data.pick(VINTAGES, "upper_bound", "forecast_upper", "upper_units", "upper")
    return value, lower, upper


def render_fan(selection: filters.Selection) -> None:
    ui.heading("Vintages against actuals", "vintage", "itemized_actuals")
    if not data.has_mart(VINTAGES):
        ui.missing("forecast vintages", VINTAGES, HINT)
        return
    value, lower, upper = vintage_value_columns()
    if not value or not data.pick(VINTAGES, "host_type"):
        st.info("The vintages mart has no host-type forecasts in normalized units to draw.")
        return
    sources = selection.get("forecast_source") or tuple(data.distinct_values(VINTAGES, "forecast_source"))
    host_types = data.distinct_values(VINTAGES, "host_type", data.where(VINTAGES, {"forecast_source": sources}))
    left, right = st.columns(2)
    with left:
        host_type = ui.choose("Host type", host_types, "fan_host_type", ui.term("host_type"))
    with right:
        source = ui.choose("Forecast source", [s for s in sources if s], "fan_source", ui.term("forecast_source"))
    if host_type is None or source is None:
        ui.missing("forecast vintages", VINTAGES, HINT)
        return
    where = data.where(
        VINTAGES, {"forecast_source": (source,), "host_type": (host_type,)}, "target_date", selection.dates
    )
    measures = [("sum", value, "forecast")] + [("sum", c, n) for c, n in ((lower, "lower"), (upper, "upper")) if c]
    vintages = data.aggregate(
        VINTAGES, ["generated_at", "target_date"], measures, where, order_by=["generated_at", "target_date"]
    )
    if vintages.empty:
        ui.missing("forecast vintages", VINTAGES, HINT)
        return
    vintages["vintage"] = pd.to_datetime(vintages["generated_at"]).dt.strftime("%Y-%m-%d %H:%M")
    actual_date = data.pick(ACTUALS, "usage_date", "target_date", "actual_date", "date_day")
    actual_value = data.pick(ACTUALS, "actual_units", "normalized_units", "actual_normalized_units", "actual_value")
    actuals = pd.DataFrame()
    if actual_date and actual_value:
        actual_where = data.where(ACTUALS, {"host_type": (host_type,)}, actual_date, selection.dates)
        actuals = data.aggregate(
            ACTUALS, [actual_date], [("sum", actual_value, "actual")], actual_where, order_by=[actual_date]
        )
        actuals = actuals.rename(columns={actual_date: "target_date"})
        if not vintages.empty and not actuals.empty:
            first, last = vintages["target_date"].min(), vintages["target_date"].max()
            actuals = actuals[(actuals["target_date"] >= first) & (actuals["target_date"] <= last)]
    st.caption(
        f"{vintages['vintage'].nunique()} vintages of {source} for {host_type}: each line is one generation; "
        "the black line is the itemized actual (daily xlarge-normalized units)."
    )
    st.altair_chart(charts.fan(vintages, actuals, "normalized units (xlarge)"), width="stretch")
    ui.table(vintages.drop(columns=["vintage"]), "forecast vintages")


def render() -> None:
    st.title("Forecast accuracy")
    st.caption("How close each forecast source came, by how far ahead it was made; every past vintage is kept.")
    if not (data.has_mart(ACCURACY) or data.has_mart(VINTAGES)):
        ui.missing("forecasts", ACCURACY, HINT)
        return
    mart = ACCURACY if data.has_mart(ACCURACY) else VINTAGES
    month = data.pick(ACCURACY, "month", "target_month", "forecast_month") if mart == ACCURACY else "target_date"
    selection = filters.sidebar(mart, ("forecast_source", "host_type"), date_column=month)
    render_accuracy(selection)
    render_fan(selection)


render()
