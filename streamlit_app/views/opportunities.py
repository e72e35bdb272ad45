"""The stack-ranked savings opportunities, with owner and status."""

from __future__ import annotations

import streamlit as st

from streamlit_app import charts, currency, data, filters, ui

MART = "fct_savings_opportunities"
HINT = "run `cloudcost build`"
TOP = 15
COLUMNS = (
    "savings_rank", "opportunity_type", "description", "service_code", "account_id", "region", "scope",
    "estimated_monthly_savings", "estimated_monthly_savings_net", "basis_monthly_cost", "owner", "status",
    "decided_on", "realized_monthly_savings", "realized_monthly_savings_net", "note", "payer_account_id",
    "currency", "as_of_date",
)  # fmt: skip


def render() -> None:
    st.title("Savings opportunities")
    st.caption(
        "Ranked by estimated monthly savings at public on-demand prices (and at net rates), with the owner and "
        "status from the reviewed register; realized savings are measured from actuals once an item is done."
    )
    if not data.has_mart(MART):
        ui.missing("savings opportunities", MART, HINT)
        return
    filtered = filters.sidebar(MART, ("opportunity_type", "status", "owner", "service_code", "account_id"))
    selection, shown_currency = currency.restrict(MART, filtered)
    where = data.where(MART, selection.values)
    frame = data.rows(MART, COLUMNS, where, order_by=["savings_rank"])
    if frame.empty:
        ui.missing("savings opportunities", MART, HINT)
        return
    cols = st.columns(4)
    cols[0].metric("Opportunities", f"{len(frame):,}", help=ui.term("savings_opportunity"))
    if "estimated_monthly_savings" in frame:
        cols[1].metric(
            "Estimated monthly savings (list)",
            ui.money(frame["estimated_monthly_savings"].sum(), shown_currency),
            help=ui.term("estimated_monthly_savings", "savings_opportunity"),
        )
    if "estimated_monthly_savings_net" in frame:
        cols[2].metric(
            "Estimated monthly savings (net)",
            ui.money(frame["estimated_monthly_savings_net"].sum(), shown_currency),
            help=ui.term("estimated_monthly_savings", "savings_opportunity"),
        )
    if "realized_monthly_savings" in frame:
        cols[3].metric(
            "Realized monthly savings (done)",
            ui.money(frame["realized_monthly_savings"].fillna(0).sum(), shown_currency),
            help=ui.term("realized_savings", "savings_opportunity"),
        )
    if {"description", "estimated_monthly_savings"} <= set(frame.columns):
        top = frame.nlargest(TOP, "estimated_monthly_savings").copy()
        rank = top["savings_rank"].astype(str) + ". " if "savings_rank" in top else ""
        top["opportunity"] = rank + top["description"].fillna("").str.slice(0, 90)
        st.altair_chart(
            charts.ranked_bars(
                top, "opportunity", "estimated_monthly_savings", "opportunity_type", "estimated monthly savings ($)"
            ),
            width="stretch",
        )
    ui.table(frame, "savings opportunities")


render()
