"""The month-end review on one screen: the last closed month against the previous one and last year, the open
month with its projection, the 12-month trend, top movers, one-off charges, budgets and open anomalies."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from streamlit_app import charts, data, filters, formats, months, ui
from streamlit_app.pages_index import page_path

MART = "fct_cost_daily"
INVOICES = "fct_invoice_reconciliation"
ONE_OFF = "fct_cost_one_off_charges"
BUDGETS = "fct_budget_status"
ANOMALIES = "fct_cost_anomalies"
ONE_OFF_LAYERS = ("credit", "refund", "tax", "fee")
BASES = (
    ("billed", "Billed cost (invoices)", "billed_cost"),
    ("amortized_cost", "Amortized cost", "amortized_cost"),
    ("public_on_demand_cost", "Public on-demand cost", "public_on_demand_cost_basis"),
)
MOVER_DIMENSIONS = (("team", "Team"), ("service_code", "Service"), ("account_id", "Account"))
TOP_MOVERS = 5


def monthly_cost(selected: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Per billing period and currency: the cost bases, the one-off layers and the last day with data."""
    where = data.where(MART, selected)
    measures = [("sum", "public_on_demand_cost"), ("sum", "amortized_cost"), ("sum", "billed_cost")]
    measures += [("sum", layer) for layer in ONE_OFF_LAYERS] + [("max", "usage_date", "through")]
    measures += [("count", "invoice_id", "invoiced_rows")]
    return data.aggregate(MART, ["billing_period", "currency"], measures, where, order_by=["billing_period"])


def invoiced(currency: str) -> dict[date, float]:
    """Σ invoice totals (every billing entity, tax and Marketplace included) per billing period."""
    where = data.where(INVOICES, {"currency": (currency,)})
    frame = data.aggregate(
        INVOICES,
        ["billing_period"],
        [("sum", "invoice_total"), ("count", "invoice_total", "invoices")],
        where,
        order_by=["billing_period"],
    )
    if frame.empty:
        return {}
    frame = frame[frame["invoices"] > 0]
    return {row.billing_period: float(row.invoice_total) for row in frame.itertuples()}


def closed_and_open(cost: pd.DataFrame, invoices: dict[date, float]) -> tuple[date | None, date | None]:
    """The last closed month (the latest with invoices, else the latest before the newest) and the open month
    (the newest, when it is later than the closed one)."""
    periods = sorted(cost["billing_period"])
    if not periods:
        return None, None
    closed_candidates = [p for p in periods if p in invoices] or periods[:-1] or periods
    closed = closed_candidates[-1]
    return closed, periods[-1] if periods[-1] > closed else None


def basis_values(cost: pd.DataFrame, invoices: dict[date, float], filtered: bool) -> dict[str, dict[date, float]]:
    """Per cost basis, its amount per billing period. With a filter the invoices (per payer) cannot be split:
    the billed cost is then the CUR's billed cost of the filtered lines, for the invoiced periods."""
    values = {
        basis: dict(zip(cost["billing_period"], cost[basis].astype(float), strict=True)) for basis, _, _ in BASES[1:]
    }
    values["billed"] = invoices
    if filtered:
        billed = dict(zip(cost["billing_period"], cost["billed_cost"].astype(float), strict=True))
        values["billed"] = {month: amount for month, amount in billed.items() if month in invoices}
    return values


def delta_text(change: months.Change, against: date) -> str | None:
    if change.ratio is None:
        return None
    per_day = f"; per day {formats.signed_percent(change.per_day_ratio)}" if change.per_day_ratio is not None else ""
    return f"{formats.signed_percent(change.ratio)} vs {formats.month(against)}{per_day}"


def headline(values: dict[str, dict[date, float]], closed: date, currency: str) -> None:
    columns = st.columns(len(BASES))
    for column, (basis, label, doc) in zip(columns, BASES, strict=True):
        mom = months.change(values[basis], closed)
        column.metric(
            label,
            formats.money(values[basis].get(closed), currency),
            delta_text(mom, months.shift(closed, -1)),
            delta_color="inverse",
            help=ui.term(doc),
        )


def change_table(values: dict[str, dict[date, float]], closed: date) -> pd.DataFrame:
    """Per cost basis: the closed month against the previous month (total and per day) and last year."""
    rows = []
    for basis, label, _ in BASES:
        mom = months.change(values[basis], closed)
        yoy = months.change(values[basis], closed, 12)
        rows.append(
            {
                "cost_basis": label,
                "this_month_cost": mom.current,
                "previous_month_cost": mom.previous,
                "change_cost": mom.amount,
                "change_share": mom.ratio,
                "per_day_cost": mom.per_day,
                "previous_per_day_cost": mom.previous_per_day,
                "per_day_change_share": mom.per_day_ratio,
                "same_month_last_year_cost": yoy.previous,
                "year_over_year_share": yoy.ratio,
            }
        )
    return pd.DataFrame(rows)


def open_month_notice(cost: pd.DataFrame, open_month: date, currency: str) -> None:
    row = cost[cost["billing_period"] == open_month].iloc[0]
    through = pd.Timestamp(row["through"]).date() if pd.notna(row["through"]) else open_month
    to_date = float(row["amortized_cost"])
    projected = months.run_rate_projection(to_date, open_month, through)
    st.warning(
        f"**{formats.month(open_month)} is open (partial)**: data through {through:%Y-%m-%d} "
        f"({(through - open_month).days + 1} of {months.days_in_month(open_month)} days). Amortized cost to date "
        f"{formats.money(to_date, currency)}; projected month-end {formats.money(projected, currency)} "
        "at the run rate so far.",
        icon=":material/schedule:",
    )


def trend(values: dict[str, dict[date, float]], last: date, open_month: date | None, currency: str) -> None:
    first = months.shift(last, -11)
    records = [
        {"month": month, "cost_basis": label + (" (partial)" if month == open_month else ""), "cost": amount}
        for basis, label, _ in BASES
        for month, amount in values[basis].items()
        if first <= month <= last
    ]
    if not records:
        return
    ui.heading(f"12-month trend by cost basis ({currency})", "amortized_cost", "billed_cost")
    frame = pd.DataFrame(records)
    st.altair_chart(charts.lines(frame, "month", "cost", "cost_basis", "Month", currency, "$,.0f"), width="stretch")
    if open_month:
        st.caption(f"{formats.month(open_month)} is partial; it has no invoice yet.")


def movers(closed: date, selected: dict[str, tuple[str, ...]], dimension: str) -> pd.DataFrame:
    """Recurring amortized cost (credits, refunds, tax and fees left out) per value of ``dimension``:
    the closed month against the previous one, largest absolute change first."""
    previous = months.shift(closed, -1)
    where = data.where(MART, {**selected, "billing_period": (str(previous), str(closed))})
    measures = [("sum", "amortized_cost")] + [("sum", layer) for layer in ONE_OFF_LAYERS]
    frame = data.aggregate(MART, [dimension, "billing_period"], measures, where)
    if frame.empty:
        return frame
    frame["recurring"] = frame["amortized_cost"].astype(float) - frame[list(ONE_OFF_LAYERS)].astype(float).sum(axis=1)
    by_month = frame.groupby([dimension, "billing_period"])["recurring"].sum().unstack(fill_value=0.0)
    zero = pd.Series(0.0, index=by_month.index)
    result = pd.DataFrame(
        {
            dimension: by_month.index.astype(str),
            "previous_month_cost": by_month.get(previous, zero).to_numpy(dtype=float),
            "this_month_cost": by_month.get(closed, zero).to_numpy(dtype=float),
        }
    )
    result["change_cost"] = result["this_month_cost"] - result["previous_month_cost"]
    result["change_share"] = [
        (change / abs(before)) if before else None
        for change, before in zip(result["change_cost"], result["previous_month_cost"], strict=True)
    ]
    order = result["change_cost"].abs().sort_values(ascending=False).index
    return result.loc[order].head(TOP_MOVERS).reset_index(drop=True)


def top_movers(closed: date, selected: dict[str, tuple[str, ...]]) -> None:
    currency = selected["currency"][0]
    ui.heading(f"Top movers, {formats.month(closed)} vs {formats.month(months.shift(closed, -1))}", "amortized_cost")
    st.caption("Recurring amortized cost: credits, refunds, tax and fees are one-off charges, shown apart below.")
    tabs = st.tabs([label for _, label in MOVER_DIMENSIONS])
    for tab, (dimension, label) in zip(tabs, MOVER_DIMENSIONS, strict=True):
        with tab:
            ui.table(movers(closed, selected, dimension), f"top movers by {label.lower()}", currency=currency)


def one_off_charges(closed: date, selected: dict[str, tuple[str, ...]]) -> None:
    currency = selected["currency"][0]
    if not data.has_mart(ONE_OFF):
        return
    ui.heading(f"One-off charges, {formats.month(closed)}", "fct_cost_one_off_charges")
    where = data.where(ONE_OFF, {**selected, "billing_period": (str(closed),)})
    frame = data.aggregate(
        ONE_OFF,
        ["charge_kind"],
        [("sum", "billed_cost"), ("sum", "amortized_cost"), ("sum", "line_count")],
        where,
        order_by=["charge_kind"],
    )
    if frame.empty:
        st.caption("No one-off charges this month.")
        return
    ui.table(frame, "one-off charges", currency=currency)


def budgets_at_a_glance(selected: dict[str, tuple[str, ...]]) -> None:
    if not data.has_mart(BUDGETS):
        return
    where = data.where(BUDGETS, {**selected, "is_open_period": (True,), "is_budgeted": (True,)})
    frame = data.aggregate(
        BUDGETS,
        ["projected_over"],
        [("count", "budget_id", "budgets"), ("sum", "budget_amount"), ("sum", "projected_cost")],
        where,
    )
    total = int(frame["budgets"].sum()) if not frame.empty else 0
    over = int(frame.loc[frame["projected_over"].astype(bool), "budgets"].sum()) if total else 0
    st.metric("Budgets projected over", f"{over} of {total}", help=ui.term("fct_budget_status"))
    st.page_link(page_path("budgets"), label="Budgets", icon=":material/account_balance_wallet:")


def anomalies_at_a_glance(selected: dict[str, tuple[str, ...]]) -> None:
    currency = selected["currency"][0]
    if not data.has_mart(ANOMALIES):
        return
    where = data.where(ANOMALIES, {**selected, "is_open": (True,)})
    frame = data.aggregate(ANOMALIES, [], [("count", "anomaly_key", "open_anomalies"), ("sum", "impact")], where)
    count = int(frame.iloc[0]["open_anomalies"]) if not frame.empty else 0
    impact = float(frame.iloc[0]["impact"]) if count else 0.0
    st.metric(
        "Open anomalies",
        f"{count}",
        f"impact {formats.money(impact, currency)}",
        delta_color="off",
        help=ui.term("fct_cost_anomalies"),
    )
    st.page_link(page_path("anomalies"), label="Anomalies", icon=":material/crisis_alert:")


def render() -> None:
    st.title("Overview")
    st.caption(
        "The last closed month against the previous month and the same month last year, the open month with its "
        "projection, the 12-month trend, what moved, and budgets and anomalies to look at."
    )
    if not data.has_mart(MART):
        ui.missing("cost data", MART)
        return
    selection = filters.sidebar(MART, filters.DIMENSION_FILTERS)
    every = monthly_cost(selection.values)
    if every.empty:
        ui.missing("cost data", MART)
        return
    currency = ui.choose("Currency", ui.currencies(every), "currency", "Money is never added across currencies.")
    selected = {**selection.values, "currency": (currency,)}
    cost = every[every["currency"] == currency].reset_index(drop=True)
    invoices = invoiced(currency)
    closed, open_month = closed_and_open(cost, invoices)
    if closed is None:
        ui.missing("cost data", MART)
        return
    filtered = any(selection.values.values())
    values = basis_values(cost, invoices, filtered)
    ui.heading(f"{formats.month(closed)} (last closed month)", "billed_cost", "period_close")
    if filtered:
        st.caption(
            "Filters are active: billed cost is the CUR's billed cost of the filtered lines (invoices are per payer)."
        )
    headline(values, closed, currency)
    ui.table(change_table(values, closed), "month over month", currency=currency)
    if open_month:
        open_month_notice(cost, open_month, currency)
    trend(values, open_month or closed, open_month, currency)
    top_movers(closed, selected)
    one_off_charges(closed, selected)
    left, right = st.columns(2)
    with left:
        budgets_at_a_glance(selected)
    with right:
        anomalies_at_a_glance(selected)


render()
