"""Cost by a resource tag key or a cost category, month by month, from the allocation-key mart.

Tags and cost categories are maps (JSON text) on each allocation key, so the split by one key is made here from
the mart's rows (a few thousand keys per month): each key's amortized cost goes to its value of the chosen tag
or category, or to ``(not tagged)``. Amortized cost only: the allocation-key mart carries no other basis.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from streamlit_app import data

MART = "fct_allocation_key_monthly"
VALUE_COLUMN = "tag_value"
NOT_TAGGED = "(not tagged)"
KINDS = (("tag", "resource_tags", "Tag"), ("cost_category", "cost_category", "Cost category"))


def parse(text: Any) -> dict[str, str]:
    if text is None or (isinstance(text, float) and pd.isna(text)) or text == "":
        return {}
    parsed = json.loads(text) if isinstance(text, str) else dict(text)
    return {str(key): str(value) for key, value in (parsed or {}).items() if value not in (None, "")}


def key_rows(selections: dict[str, tuple[str, ...]], dates: tuple[Any, Any]) -> pd.DataFrame:
    """The allocation keys' month, currency, maps and amortized cost for the sidebar's filters."""
    if not data.has_mart(MART):
        return pd.DataFrame()
    where = data.where(MART, selections, "billing_period", dates, monthly=True)
    columns = ["billing_period", "currency", "resource_tags", "cost_category", "amortized_cost"]
    return data.rows(MART, columns, where)


def options(rows: pd.DataFrame) -> list[str]:
    """``tag:<key>`` and ``cost_category:<name>`` for every key the rows carry."""
    found: set[str] = set()
    for kind, column, _ in KINDS:
        if column in rows:
            for text in rows[column].dropna().unique():
                found |= {f"{kind}:{key}" for key in parse(text)}
    return sorted(found)


def label(option: str) -> str:
    kind, _, key = option.partition(":")
    return f"{dict((k, title) for k, _, title in KINDS).get(kind, kind)} {key}"


def by_month(rows: pd.DataFrame, option: str) -> pd.DataFrame:
    """Amortized cost per billing period and value of the chosen tag key or cost category."""
    kind, _, key = option.partition(":")
    column = dict((k, c) for k, c, _ in KINDS)[kind]
    values = [parse(text).get(key, NOT_TAGGED) for text in rows[column]]
    frame = pd.DataFrame(
        {"billing_period": rows["billing_period"], VALUE_COLUMN: values, "cost": rows["amortized_cost"].astype(float)}
    )
    summed = frame.groupby(["billing_period", VALUE_COLUMN], as_index=False)["cost"].sum()
    return summed.sort_values(["billing_period", VALUE_COLUMN]).reset_index(drop=True)
