"""What the mapping rules leave unallocated, per dimension: the figures of `cloudcost mappings check`, computed by
its code from the published allocation-key mart."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cloudcost.mappings import check
from streamlit_app import data, filters, ui

MART = "fct_allocation_key_monthly"
DAILY = "fct_cost_daily"


def closed_periods() -> list[str]:
    """Billing periods (YYYY-MM-DD) that AWS has invoiced (their lines carry invoice ids), oldest first."""
    frame = data.aggregate(
        DAILY, ["billing_period"], [("count", "invoice_id", "invoiced")], order_by=["billing_period"]
    )
    if frame.empty:
        return []
    return [str(row.billing_period) for row in frame.itertuples() if row.invoiced > 0]


def default_period(periods: list[str]) -> tuple[str, str]:
    """The check's default: the latest closed (invoiced) period, else the latest."""
    closed = [period for period in closed_periods() if period in periods]
    if closed:
        return closed[-1], "the latest closed (invoiced) billing period"
    return periods[-1], "the latest billing period (none is invoiced yet)"


def report(period: str, reason: str, filtered: dict[str, tuple[str, ...]]) -> check.MappingReport:
    where = data.where(MART, {**filtered, "billing_period": (period,)})
    frame = data.rows(MART, check.KEY_COST_COLUMNS, where)
    rows = frame[list(check.KEY_COST_COLUMNS)].itertuples(index=False, name=None)
    keys = [check.key_cost(tuple(None if pd.isna(v) else v for v in row)) for row in rows]
    return check.report_from_keys(period[:7], reason, keys)


def shares_table(found: check.MappingReport) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "dimension": share.dimension,
                "currency": share.currency,
                "unallocated_share": share.unallocated_share,
                "allocated_share": 1 - share.unallocated_share if share.total else None,
                "unallocated_cost": share.unallocated,
                "no_rule_share": share.unclaimed_share,
                "amortized_cost": share.total,
            }
            for share in found.shares
        ]
    )


def largest_table(found: check.MappingReport, dimension: str, kind: str) -> pd.DataFrame:
    rows = found.largest.get(dimension, {}).get(kind, [])
    return pd.DataFrame(rows, columns=["currency", kind.rstrip("s").replace("_value", " value"), "unallocated_cost"])


def render() -> None:
    st.title("Mappings")
    st.caption(
        "How much cost the mapping rules allocate per dimension and where the unallocated cost sits: the same "
        "figures as `cloudcost mappings check`."
    )
    if not data.has_mart(MART):
        ui.missing("mapping data", MART)
        return
    selection = filters.sidebar(MART, ())
    periods = data.distinct_values(MART, "billing_period")
    if not periods:
        ui.missing("mapping data", MART)
        return
    default, reason = default_period(periods)
    if "keep_mapping_period" not in st.session_state:
        st.session_state["keep_mapping_period"] = default
    period = ui.choose("Month", periods[::-1], "mapping_period", "Billing period to check.", lambda v: v[:7])
    found = report(period, reason if period == default else "chosen", selection.values)
    st.caption(f"{period[:7]}: {found.period_reason}.")
    ui.heading("Allocated share per dimension", "team", "host_type", "functional_group")
    ui.table(shares_table(found), "allocated share per dimension")
    for dimension, label in (("team", "Team"), ("functional_group", "Functional group")):
        ui.heading(f"{label}: largest unallocated cost", dimension)
        tabs = st.tabs(["By account", "By service", "By tag value"])
        for tab, kind in zip(tabs, ("accounts", "services", "tag_values"), strict=True):
            with tab:
                ui.table(largest_table(found, dimension, kind), f"{label.lower()} unallocated {kind}")
    ui.heading("Tag keys: share of cost carrying each", "resource_tags")
    ui.table(pd.DataFrame(found.tag_keys), "tag key coverage")
    if found.collisions:
        st.warning(
            "Tag keys that differ only in case or punctuation: " + "; ".join(", ".join(c) for c in found.collisions)
        )
    ui.heading("Rules: what each claimed", "allocation_key")
    ui.table(pd.DataFrame(found.rules), "rule claims")


render()
