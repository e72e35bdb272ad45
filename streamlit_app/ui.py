"""Shared presentation: units, tables with CSV download, empty states, the freshness line, term help."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from cloudcost.layers import read_layers
from streamlit_app import data, filters, formats, glossary

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

BUILD_HINT = "run `cloudcost build` (or `cloudcost demo`)"
# every empty state the pages show starts so ("No … yet — …", "No … for these filters — …")
EMPTY_STATE = re.compile(r"^No .+? (yet\b|for these filters)", re.MULTILINE)

MONEY, UNITS, RATIO, COUNT, DATE, TEXT = "money", "units", "ratio", "count", "date", "text"
UNIT_MONEY = "unit_money"  # a cost per unit: four decimals, not rounded to the cent

# column name -> (label, kind, docs blocks to explain it). Unknown columns get their name as label.
COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "month": ("Month", DATE, ("billing_period",)),
    "billing_period": ("Billing period", DATE, ("billing_period",)),
    "month_status": ("Month status", TEXT, ("open_month", "billing_period")),
    "usage_date": ("Date", DATE, ("usage_date",)),
    "period_start": ("Period start", DATE, ("unit_cost",)),
    "currency": ("Currency", TEXT, ("currency",)),
    "payer_account_id": ("Payer", TEXT, ("payer_account_id",)),
    "account_id": ("Account", TEXT, ("account_id",)),
    "invoice_id": ("Invoice", TEXT, ("invoice_id",)),
    "billing_entity": ("Billing entity", TEXT, ("billing_entity",)),
    "team": ("Team", TEXT, ("team",)),
    "host_type": ("Host type", TEXT, ("host_type",)),
    "functional_group": ("Functional group", TEXT, ("functional_group",)),
    "service_code": ("Service", TEXT, ("service_code",)),
    "instance_family": ("Instance family", TEXT, ("instance_family",)),
    "pricing_model": ("Pricing model", TEXT, ("pricing_model",)),
    "discount_mode": ("Discount mode", TEXT, ("discount_mode",)),
    # cost layers: labels and order from the reference (seeds/cost_layers.csv)
    # (also as <layer>_layer, the name a table gives a layer column beside a cost basis of the same name)
    **{
        name: (layer.label, MONEY, (layer.docs_block,))
        for layer in read_layers()
        for name in (layer.name, f"{layer.name}_layer")
    },
    "public_on_demand_cost": ("Public on-demand cost", MONEY, ("public_on_demand_cost_basis",)),
    "amortized_cost": ("Amortized cost", MONEY, ("amortized_cost",)),
    "unblended_cost": ("Unblended cost", MONEY, ("unblended_cost",)),
    "net_unblended_cost": ("Net unblended cost", MONEY, ("net_unblended_cost",)),
    "billed_cost": ("Billed cost", MONEY, ("billed_cost",)),
    "ri_sp_trueup": ("RI/SP true-up", MONEY, ("ri_sp_trueup",)),
    "ri_sp_upfront_fees": ("RI/SP upfront fees", MONEY, ("ri_sp_upfront_fees",)),
    "bridged_cost": ("Bridged cost", MONEY, ("cash_bridge",)),
    "bridge_difference": ("Bridge difference", MONEY, ("cash_bridge",)),
    "is_balanced": ("Balanced", TEXT, ("cash_bridge",)),
    "effective_discount_rate": ("Effective discount rate", RATIO, ("effective_discount_rate",)),
    # reconciliation
    "status": ("Status", TEXT, ("reconciliation_status", "reconciliation")),
    "cur_billed_cost": ("CUR billed", MONEY, ("billed_cost",)),
    "cur_currency": ("CUR currency", TEXT, ("currency",)),
    "fx_difference": ("FX item", MONEY, ("fx_difference",)),
    "invoice_total": ("Invoice total", MONEY, ("invoice_total", "reconciliation")),
    "ledger_posted": ("Ledger posted", MONEY, ("ledger_posted", "reconciliation")),
    "cur_vs_invoice_difference": ("CUR − invoice", MONEY, ("reconciliation",)),
    "invoice_vs_ledger_difference": ("Invoice − ledger", MONEY, ("reconciliation",)),
    "cur_vs_ledger_difference": ("CUR − ledger", MONEY, ("reconciliation",)),
    "tolerance": ("Tolerance", MONEY, ("reconciliation_tolerance", "reconciliation")),
    "is_period_closed": ("Closed", TEXT, ("period_close",)),
    "is_signed_off": ("Signed off", TEXT, ("sign_off",)),
    "is_accepted": ("Accepted", TEXT, ("sign_off",)),
    "contributor_amount": ("Contributor amount", MONEY, ("reconciliation_exception",)),
    "share_of_basis": ("Share", RATIO, ("reconciliation_exception",)),
    "unblended_cost_delta": ("Δ unblended cost", MONEY, ("restatement", "cur_restatement")),
    "public_on_demand_cost_delta": ("Δ public on-demand cost", MONEY, ("restatement", "cur_restatement")),
    "previous_unblended_cost": ("Previous unblended cost", MONEY, ("restatement",)),
    "changed_rows": ("Changed rows", COUNT, ("restatement",)),
    "is_after_close": ("After close", TEXT, ("restatement", "period_close")),
    # unit cost
    "business_volume": ("Business volume", COUNT, ("business_volume", "unit_cost")),
    "fully_loaded_amortized_unit_cost": (
        "Fully loaded (amortized) per unit",
        UNIT_MONEY,
        ("unit_cost_fully_loaded",),
    ),
    "marginal_amortized_unit_cost": ("Marginal (amortized) per unit", UNIT_MONEY, ("unit_cost_marginal",)),
    "fully_loaded_on_demand_unit_cost": (
        "Fully loaded (on-demand) per unit",
        UNIT_MONEY,
        ("unit_cost_fully_loaded",),
    ),
    "marginal_on_demand_unit_cost": ("Marginal (on-demand) per unit", UNIT_MONEY, ("unit_cost_marginal",)),
    "fully_loaded_amortized_cost": ("Fully loaded amortized cost", MONEY, ("unit_cost_fully_loaded",)),
    "marginal_amortized_cost": ("Marginal amortized cost", MONEY, ("unit_cost_marginal",)),
    # forecasts
    "forecast_source": ("Source", TEXT, ("forecast_source",)),
    "horizon_bucket": ("Horizon (days)", TEXT, ("forecast_horizon_bucket", "forecast_horizon")),
    "horizon_days": ("Horizon (days)", COUNT, ("forecast_horizon_days", "forecast_horizon")),
    "generated_at": ("Generated at", TEXT, ("forecast_generated_at", "forecast_vintage")),
    "target_date": ("Target date", DATE, ("forecast_target_date", "forecast_horizon")),
    "wape": ("WAPE", RATIO, ("forecast_wape", "wape")),
    "bias": ("Bias", RATIO, ("forecast_bias", "bias")),
    "mape": ("MAPE", RATIO, ("forecast_mape", "mape")),
    "interval_coverage": ("Interval coverage", RATIO, ("forecast_interval_coverage", "interval_coverage")),
    "n_points": ("Points", COUNT, ("forecast_n_points",)),
    "n_points_nonzero_actual": ("Points (actual ≠ 0)", COUNT, ("forecast_mape",)),
    "n_points_with_interval": ("Points with interval", COUNT, ("forecast_interval_coverage",)),
    "sum_actual": ("Σ actual", COUNT, ("itemized_actuals",)),
    "sum_forecast": ("Σ forecast", COUNT, ("forecast_vintage",)),
    "sum_absolute_error": ("Σ |actual − forecast|", COUNT, ("forecast_wape",)),
    "forecast_month": ("Month", DATE, ("forecast_month",)),
    "forecast": ("Forecast (xlarge units)", UNITS, ("normalized_units",)),
    "lower": ("Lower bound", UNITS, ("normalized_units",)),
    "upper": ("Upper bound", UNITS, ("normalized_units",)),
    # commitments
    "ri_covered_units": ("RI-covered units", UNITS, ("normalized_units",)),
    "sp_covered_units": ("SP-covered units", UNITS, ("normalized_units",)),
    "on_demand_units": ("On-demand units", UNITS, ("normalized_units",)),
    "spot_units": ("Spot units", UNITS, ("normalized_units",)),
    "reserved_units": ("Reserved units", UNITS, ("normalized_units",)),
    "used_units": ("Used units", UNITS, ("normalized_units",)),
    "normalized_units": ("Normalized units (xlarge)", UNITS, ("normalized_units",)),
    "ri_coverage": ("RI coverage", RATIO, ("ri_coverage",)),
    "sp_coverage": ("SP coverage", RATIO, ("sp_coverage",)),
    "commitment_coverage": ("Commitment coverage", RATIO, ("commitment_coverage",)),
    "ri_utilization": ("RI utilization", RATIO, ("ri_utilization", "utilization")),
    "sp_utilization": ("SP utilization", RATIO, ("sp_utilization", "utilization")),
    "utilization": ("Utilization", RATIO, ("utilization",)),
    "target": ("Target", RATIO, ("coverage_target",)),
    "gap_to_target": ("Gap to target", RATIO, ("coverage_target",)),
    "unused_cost": ("Unused cost", MONEY, ("layer_ri_unused", "layer_sp_unused")),
    "line_count": ("CUR lines", COUNT, ("line_count",)),
    "ri_covered_list_cost": ("RI-covered (list)", MONEY, ("public_on_demand_cost_basis",)),
    "sp_covered_list_cost": ("SP-covered (list)", MONEY, ("public_on_demand_cost_basis",)),
    "on_demand_list_cost": ("On-demand (list)", MONEY, ("public_on_demand_cost_basis",)),
    "spot_list_cost": ("Spot (list)", MONEY, ("public_on_demand_cost_basis",)),
    "sp_eligible_on_demand_list_cost": ("SP-eligible on-demand (list)", MONEY, ("sp_coverage",)),
    "commitment_id": ("Commitment", TEXT, ("commitment_id", "commitment")),
    "commitment_type": ("Type", TEXT, ("commitment_type", "commitment")),
    "committed_cost": ("Committed cost", MONEY, ("utilization",)),
    "used_cost": ("Used commitment", MONEY, ("utilization",)),
    "net_savings": ("Net savings", MONEY, ("utilization",)),
    "commitment_start_at": ("Starts", TEXT, ("commitment",)),
    "commitment_end_at": ("Ends", TEXT, ("commitment",)),
    "days_to_expiry": ("Days to expiry", COUNT, ("commitment",)),
    "normalized_units_per_hour": ("Normalized units per hour", UNITS, ("normalized_units",)),
    "hourly_commitment": ("Hourly commitment", MONEY, ("commitment",)),
    "number_of_reservations": ("Reservations", COUNT, ("commitment",)),
    "savings_rank": ("Rank", COUNT, ("savings_opportunity", "fct_savings_opportunities")),
    "opportunity_type": ("Opportunity type", TEXT, ("opportunity_type", "savings_opportunity")),
    "estimated_monthly_savings": ("Est. monthly savings (list)", MONEY, ("savings_opportunity",)),
    "estimated_monthly_savings_net": ("Est. monthly savings (net)", MONEY, ("savings_opportunity",)),
    "realized_monthly_savings": ("Realized monthly savings (list)", MONEY, ("realized_savings",)),
    "realized_monthly_savings_net": ("Realized monthly savings (net)", MONEY, ("realized_savings",)),
    "net_to_public_ratio": ("Net / list", RATIO, ("effective_discount_rate",)),
}


def money(value: Any, currency: str | None = "USD") -> str:
    return formats.money(value, currency)


def units(value: Any) -> str:
    return formats.units(value)


def percent(value: Any, digits: int = 1) -> str:
    return formats.percent(value, digits)


def term(*names: str, fallback: str = "") -> str | None:
    """Definition for a hover: the first docs block among ``names``, with a link to it in the glossary."""
    blocks = glossary.load_blocks()
    found = next((name for name in names if blocks.get(name)), None)
    if found is None:
        return fallback or None
    return f"{blocks[found]}\n\n[Glossary ↗](glossary?term={found})"


def missing(what: str, mart: str, hint: str = BUILD_HINT) -> None:
    """The empty state of a page or section whose mart is not built (or has no rows for the filters)."""
    if data.has_mart(mart):
        st.info(f"No {what} for these filters — widen the dates or clear a filter.", icon=":material/filter_alt:")
    else:
        st.info(f"No {what} yet — {hint}. (`{mart}` is not built or not published.)", icon=":material/hourglass:")


def empty_states(text: str) -> list[str]:
    """The empty-state notices in ``text`` (a notice, or a page's whole text, one notice a line)."""
    return [match.group(0) for match in EMPTY_STATE.finditer(text)]


# columns holding codes from the marts, shown with their labels (formats.label)
CODE_COLUMNS = (
    "status",
    "opportunity_type",
    "forecast_source",
    "commitment_type",
    "pricing_model",
    "exception_reasons",
    "close_status",
    "contributor_basis",
    "contributor_type",
    "forecast_kind",
    "measure",
)
# long ids: shown shortened (formats.short_id) in a narrow column; the whole id stays the cell's value (opened by a
# double-click, copied by Ctrl+C), is listed in the column's hover and is what the CSV download holds
ID_COLUMNS = (
    "commitment_id",
    "invoice_id",
    "resource_id",
    "reservation_arn",
    "savings_plan_arn",
    "delivery_id",
    "usage_type",
    "account_id",
    "payer_account_id",
)
ID_HOVER_ROWS = 12  # shortened ids listed with their whole value in a column's hover
MONTH_COLUMNS = ("month", "billing_period", "forecast_month")


def column_config(frame: pd.DataFrame, currency: str | None = None) -> dict[str, Any]:
    """Labels, units and hover definitions for the columns of ``frame`` that the dashboard knows.

    Formats are those of :mod:`streamlit_app.formats` for a frame prepared by :func:`display`."""
    config: dict[str, Any] = {}
    for name in frame.columns:
        label, kind, terms = COLUMNS.get(name, (name.replace("_", " ").capitalize(), guess_kind(name), (name,)))
        help_text = term(*terms)
        if kind == MONEY:
            fmt = formats.MONEY_COLUMN_FORMAT if (currency or "USD") == "USD" else "accounting"
            config[name] = st.column_config.NumberColumn(label, help=help_text, format=fmt)
        elif kind == UNIT_MONEY:
            config[name] = st.column_config.NumberColumn(label, help=help_text, format=formats.UNIT_MONEY_COLUMN_FORMAT)
        elif kind == UNITS:
            label = label if "xlarge" in label else f"{label} (xlarge units)"
            config[name] = st.column_config.NumberColumn(label, help=help_text, format=formats.COUNT_COLUMN_FORMAT)
        elif kind == RATIO:
            config[name] = st.column_config.NumberColumn(label, help=help_text, format=formats.PERCENT_COLUMN_FORMAT)
        elif kind == COUNT:
            config[name] = st.column_config.NumberColumn(label, help=help_text, format=formats.COUNT_COLUMN_FORMAT)
        elif kind == DATE:
            fmt = formats.MONTH_COLUMN_FORMAT if name in MONTH_COLUMNS else formats.DATE_COLUMN_FORMAT
            config[name] = st.column_config.DateColumn(label, help=help_text, format=fmt)
        elif name in ID_COLUMNS:
            config[name] = st.column_config.TextColumn(label, help=help_text)
        elif pd.api.types.is_numeric_dtype(frame[name]) and not pd.api.types.is_bool_dtype(frame[name]):
            config[name] = st.column_config.NumberColumn(label, help=help_text, format=formats.COUNT_COLUMN_FORMAT)
        else:
            config[name] = st.column_config.Column(label, help=help_text)
    return config


def kind_of(name: str) -> str:
    return COLUMNS[name][1] if name in COLUMNS else guess_kind(name)


def display(frame: pd.DataFrame, first: Sequence[str] = ()) -> pd.DataFrame:
    """``frame`` as a table shows it: the answering columns ``first``, money to the cent, ratios as
    percentages, codes as labels, ``—`` for a missing text."""
    order = [c for c in first if c in frame.columns] + [c for c in frame.columns if c not in first]
    frame = frame[order]
    shown = formats.display_frame(
        frame,
        money_columns=[c for c in frame.columns if kind_of(c) == MONEY],
        ratio_columns=[c for c in frame.columns if kind_of(c) == RATIO],
        code_columns=[c for c in frame.columns if c in CODE_COLUMNS],
    )
    for name in shown.columns:
        if kind_of(name) == TEXT and shown[name].dtype == object and _only_text(shown[name]):
            shown[name] = shown[name].map(lambda value: formats.MISSING if formats.is_missing(value) else value)
    return shown


def _only_text(column: pd.Series) -> bool:
    """True when every value present is text: a column of dates or numbers keeps its missing values (a "—" among
    dates would make the table's Arrow conversion fail)."""
    return all(isinstance(value, str) for value in column if not formats.is_missing(value))


def guess_kind(name: str) -> str:
    """The unit of a column the dashboard has no entry for, from the project's naming conventions."""
    if name.endswith(("_cost", "_savings", "_amount", "_difference", "_delta", "_fee", "_fees")):
        return MONEY
    if name.endswith("_units"):
        return UNITS
    if name.endswith(("_rate", "_coverage", "_utilization", "_share")) or name.startswith("share_"):
        return RATIO
    if name.endswith(("_date", "_month")):
        return DATE
    return TEXT


@dataclass(frozen=True)
class Table:
    """What :func:`table` shows and offers for download."""

    body: pd.DataFrame | Styler  # the shown frame; a Styler when ids are shortened (display values only)
    config: dict[str, Any]  # st.dataframe column_config
    csv: bytes  # the download: the rows and columns shown, with raw values (codes, full precision, whole ids)


def table_parts(frame: pd.DataFrame, currency: str | None = None, first: Sequence[str] = ()) -> Table:
    """The shown table, its column formats and its CSV download for ``frame`` (see :func:`table`)."""
    frame = frame.drop(columns=[c for c in frame.columns if str(c).endswith("_key")])
    frame = frame[[c for c in first if c in frame.columns] + [c for c in frame.columns if c not in first]]
    shown = display(frame)
    config = column_config(shown, currency)
    return Table(shorten_ids(shown, config), config, frame.to_csv(index=False).encode("utf-8"))


def shorten_ids(shown: pd.DataFrame, config: dict[str, Any]) -> pd.DataFrame | Styler:
    """``shown`` with its long ids (:data:`ID_COLUMNS`) displayed shortened, and ``config`` (changed in place)
    saying so in those columns' hover, with the whole ids of the first rows.

    The shortening is a display format (a Styler's), so a cell's value stays the whole id: the table's data,
    a double-click on the cell and a copy give the whole id. A table too large for a Styler shows the
    shortened text instead (the hover and the CSV download still hold the whole ids)."""
    shortened = {name: formats.short_ids(shown[name]) for name in shown.columns if name in ID_COLUMNS}
    shortened = {name: ids for name, ids in shortened.items() if any(full != short for full, short in ids.items())}
    if not shortened:
        return shown
    for name, ids in shortened.items():
        config[name] = st.column_config.TextColumn(
            config[name]["label"], help=id_hover(config[name].get("help"), shown[name], ids), width="medium"
        )
    if shown.size > pd.get_option("styler.render.max_elements"):
        return shown.assign(
            **{name: shown[name].map(lambda v, ids=ids: ids.get(str(v), v)) for name, ids in shortened.items()}
        )
    return shown.style.format({name: (lambda v, ids=ids: ids.get(str(v), str(v))) for name, ids in shortened.items()})


def id_hover(definition: str | None, column: pd.Series, ids: dict[str, str]) -> str:
    """A shortened id column's hover: its definition, how ids are shortened, and the whole ids of the first rows."""
    in_order = [text for text in dict.fromkeys(str(v) for v in column) if ids.get(text, text) != text]
    lines = [f"- `{ids[text]}` = `{text}`" for text in in_order[:ID_HOVER_ROWS]]
    if len(in_order) > ID_HOVER_ROWS:
        lines.append(f"- … and {len(in_order) - ID_HOVER_ROWS} more")
    note = (
        "Long ids are shortened (… marks the cut); the whole id is the cell's value (double-click the cell, or "
        "copy it) and is in the CSV download."
    )
    return "\n\n".join(part for part in (definition, note, "\n".join(lines)) if part)


def table(
    frame: pd.DataFrame,
    name: str,
    currency: str | None = None,
    height: int | None = None,
    first: Sequence[str] = (),
) -> None:
    """A table with labelled, unit-formatted columns (``first`` ones leading), long ids shortened (whole on
    hover) and a CSV download of the same rows and columns (raw values: codes, full precision and whole ids,
    for a spreadsheet).

    Surrogate keys (``*_key`` hashes) are left out: they mean nothing to a reader."""
    parts = table_parts(frame, currency, first)
    st.dataframe(
        parts.body,
        column_config=parts.config,
        hide_index=True,
        width="stretch",
        height=height if height is not None else "auto",
    )
    st.download_button(
        f"Download {name} (CSV)",
        parts.csv,
        file_name=f"{name.replace(' ', '_')}.csv",
        mime="text/csv",
        key=f"download_{name}",
        icon=":material/download:",
    )


def heading(text: str, *terms: str) -> None:
    """A section or chart title, followed by the active filters (so a screenshot says what it shows)."""
    active = filters.describe()
    st.subheader(f"{text} — {active}" if active else text, help=term(*terms) if terms else None)


def freshness() -> None:
    """ "Data through …, built at …" from the marts themselves and the publication stamp."""
    source = data.current_source()
    failed_build_notice(source)
    if not source.available:
        st.sidebar.warning(f"No published data yet — {BUILD_HINT}.", icon=":material/warning:")
        return
    if not data.catalog(source) and source in data.PROBLEMS:
        st.sidebar.warning(f"Cannot read the marts ({source.kind}): {data.PROBLEMS[source]}", icon=":material/error:")
        return
    through = data_through()
    built = data.publication_time(source)
    parts = [f"data through **{through:%Y-%m-%d}**" if through else "no cost data yet"]
    if built:
        parts.append(f"built at **{_local(built)}**")
    st.sidebar.caption(" · ".join(parts))


def failed_build_notice(source: data.Source) -> None:
    """When the latest build failed its money checks it was not published: say so, and which build is shown."""
    latest = data.latest_build(source)
    if latest is None or latest.passed:
        return
    published = data.publication_time(source) if source.available else None
    reading = f"you are reading the build of {_local(published)}" if published else "no build has been published yet"
    st.sidebar.error(
        f"The latest build failed checks: {latest.describe()} (built at {_local(latest.built_at)}); {reading}.",
        icon=":material/gpp_bad:",
    )


def data_through() -> date | None:
    """The last day of cost data (``fct_cost_daily``), or None before a build."""
    if not data.has_mart("fct_cost_daily"):
        return None
    return data.date_bounds("fct_cost_daily", "usage_date")[1]


def open_month() -> tuple[date, date] | None:
    """(first day, last day of data) of the month whose data stops before its end — the open month — or
    None when the data ends on a month's last day."""
    through = data_through()
    if through is None:
        return None
    if (pd.Timestamp(through) + pd.offsets.MonthEnd(0)).date() == through:
        return None
    return through.replace(day=1), through


def is_open_month(value: Any) -> bool:
    current = open_month()
    if current is None or formats.is_missing(value):
        return False
    return formats.month(value) == formats.month(current[0])


def partial_note(month_value: Any) -> str:
    """``(partial: data through 2026-10-20)`` for the open month, else ``""``."""
    current = open_month()
    if current is None or not is_open_month(month_value):
        return ""
    return f"(partial: data through {formats.day(current[1])})"


def _local(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def currencies(frame: pd.DataFrame, column_name: str = "currency") -> list[str]:
    if column_name not in frame:
        return ["USD"]
    return sorted({str(v) for v in frame[column_name].dropna()}) or ["USD"]


def choose(label: str, options: Sequence[Any], key: str, help_text: str | None = None, format_func: Any = str) -> Any:
    """A selectbox whose choice is kept in session state across pages (``key`` names it)."""
    options = list(options)
    if not options:
        return None
    kept = st.session_state.get(f"keep_{key}")
    texts = [filters.url_text(option) for option in options]
    # a kept choice is the value itself, or its text when it came from the URL
    index = options.index(kept) if kept in options else texts.index(kept) if kept in texts else 0
    chosen = st.selectbox(label, options, index=index, key=f"sel_{key}", help=help_text, format_func=format_func)
    st.session_state[f"keep_{key}"] = chosen
    filters.to_url(key, chosen)
    return chosen


def month_label(value: Any) -> str:
    return formats.month(value)
