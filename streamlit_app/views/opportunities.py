"""The stack-ranked savings opportunities, with owner and status."""

from __future__ import annotations

import streamlit as st

from streamlit_app import charts, data, filters, ui

MART = "fct_savings_opportunities"
HINT = "run `cloudcost build`"
TOP = 15


def render() -> None:
    st.title("Savings opportunities")
    st.caption("Ranked by estimated monthly savings; commitment purchases first when they save the most.")
    if not data.has_mart(MART):
        ui.missing("savings opportunities", MART, HINT)
        return
    selection = filters.sidebar(MART, ("opportunity_type", "status", "team", "account_id", "service_code"))
    savings = data.pick(
        MART, "estimated_monthly_savings", "estimated_monthly_savings_net", "monthly_savings", "savings"
    )
    rank = data.pick(MART, "opportunity_rank", "savings_rank", "rank")
    where = data.where(MART, selection.values)
    frame = data.rows(MART, None, where, order_by=[rank] if rank else [savings] if savings else [], descending=not rank)
    if frame.empty:
        ui.missing("savings opportunities", MART, HINT)
        return
    if savings:
        cols = st.columns(3)
        cols[0].metric("Opportunities", f"{len(frame):,}")
        cols[1].metric("Estimated monthly savings", ui.money(frame[savings].sum()), help=ui.term(savings))
        realized = data.pick(MART, "realized_monthly_savings", "realized_savings")
        if realized:
            cols[2].metric("Realized (done)", ui.money(frame[realized].fillna(0).sum()), help=ui.term(realized))
        label = data.pick(MART, "opportunity_title", "description", "opportunity_key", "opportunity_id")
        kind = data.pick(MART, "opportunity_type")
        if label:
            top = frame.nlargest(TOP, savings)
            st.altair_chart(
                charts.ranked_bars(top, label, savings, kind, "estimated monthly savings ($)"),
                width="stretch",
            )
    ui.table(frame, "savings opportunities")


render()
