"""Sidebar filters that persist across pages.

Each page asks for the filters its marts support. The chosen values live in ``st.session_state`` under
``flt_<name>`` (kept when a page without that filter is shown, since widget state is dropped then) and seed
the widget when it is drawn again. Options come from the page's mart; a kept value that the mart does not
have (e.g. from another page) stays selectable and simply matches no rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from streamlit_app import data, glossary

PERSISTED = "flt_{}"
WIDGET = "w_{}"

# filter name -> (label, docs block names to explain it)
LABELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "team": ("Team", ("team",)),
    "host_type": ("Host type", ("host_type",)),
    "functional_group": ("Functional group", ("functional_group",)),
    "account_id": ("Account", ("account_id",)),
    "payer_account_id": ("Payer account", ("payer_account_id",)),
    "service_code": ("Service", ("service_code",)),
    "instance_family": ("Instance family", ("instance_family",)),
    "region": ("Region", ("region",)),
    "currency": ("Currency", ("currency",)),
    "forecast_source": ("Forecast source", ("forecast_source",)),
    "billing_entity": ("Billing entity", ("billing_entity",)),
    "status": ("Status", ("reconciliation_status", "status")),
    "opportunity_type": ("Opportunity type", ("opportunity_type",)),
}

DIMENSION_FILTERS = ("team", "host_type", "functional_group", "account_id")


@dataclass(frozen=True)
class Selection:
    """What the user chose on this page: values per column, and a date range (None = unbounded)."""

    values: dict[str, tuple[str, ...]]
    date_from: date | None
    date_to: date | None

    @property
    def dates(self) -> tuple[date | None, date | None]:
        return self.date_from, self.date_to

    def get(self, name: str) -> tuple[str, ...]:
        return self.values.get(name, ())


def persisted(name: str) -> Any:
    return st.session_state.get(PERSISTED.format(name))


def multiselect(name: str, options: Sequence[str], container: Any = None, scope: str = "") -> tuple[str, ...]:
    """A persisted multiselect over ``options`` (empty = everything).

    The widget is per ``scope`` (the mart its options come from): the same filter on another page is
    another widget, seeded from the kept choice when drawn (a widget whose options change would reset)."""
    container = container or st.sidebar
    kept = [str(value) for value in (persisted(name) or [])]
    choices = sorted(set(options) | set(kept))
    widget_key = WIDGET.format(f"{name}__{scope}" if scope else name)
    if widget_key not in st.session_state:
        st.session_state[widget_key] = kept
    label, terms = LABELS.get(name, (name.replace("_", " ").capitalize(), (name,)))
    chosen = container.multiselect(
        label,
        choices,
        key=widget_key,
        placeholder="All",
        help=glossary.first_definition(terms) or None,
    )
    st.session_state[PERSISTED.format(name)] = list(chosen)
    return tuple(chosen)


def date_range(bounds: tuple[date | None, date | None], container: Any = None) -> tuple[date | None, date | None]:
    """A persisted date range; its default is the data's whole range (``bounds``)."""
    container = container or st.sidebar
    first, last = bounds
    if first is None or last is None:
        return None, None
    kept = persisted("dates")
    # one widget per data range: a page's default (its data's whole range) never leaks into another page;
    # only a range the user chose is kept across pages
    widget_key = WIDGET.format(f"dates_{first:%Y%m%d}_{last:%Y%m%d}")
    if widget_key not in st.session_state:
        st.session_state[widget_key] = tuple(kept) if kept else (first, last)
    value = container.date_input(
        "Dates",
        key=widget_key,
        format="YYYY-MM-DD",
        help="Rows whose date (day, or month for monthly figures) falls in this range. Kept across pages.",
    )
    chosen = tuple(value) if isinstance(value, list | tuple) else (value,)
    if len(chosen) == 2:
        if chosen != (first, last):
            st.session_state[PERSISTED.format("dates")] = chosen
        else:
            st.session_state.pop(PERSISTED.format("dates"), None)
        return chosen[0], chosen[1]
    if len(chosen) == 1:  # the user has picked a start and not yet an end
        return chosen[0], None
    return None, None


def sidebar(
    mart: str,
    names: Sequence[str] = DIMENSION_FILTERS,
    date_column: str | None = None,
    option_mart: dict[str, str] | None = None,
) -> Selection:
    """Draw the filters ``names`` that ``mart`` has and a date range on ``date_column``; return the choice."""
    columns = set(data.mart_columns(mart))
    st.sidebar.markdown("**Filters**")
    start, end = (None, None)
    if date_column and date_column in columns:
        start, end = date_range(data.date_bounds(mart, date_column))
    values: dict[str, tuple[str, ...]] = {}
    for name in names:
        source_mart = (option_mart or {}).get(name, mart)
        if name not in columns:
            continue
        values[name] = multiselect(name, data.distinct_values(source_mart, name), scope=source_mart)
    return Selection(values, start, end)


def clear_all() -> None:
    for key in list(st.session_state.keys()):
        if str(key).startswith(("flt_", "w_")):
            del st.session_state[key]
