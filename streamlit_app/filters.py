"""Sidebar filters that persist across pages.

Each page asks for the filters its marts support; the shared dimensions (team, host type, functional group,
account, payer, service, region) are drawn on every page whose mart has them. The chosen values live in
``st.session_state`` under ``flt_<name>`` (kept when a page without that filter is shown, since widget state
is dropped then) and seed the widget when it is drawn again. Streamlit tells widgets of different pages apart
even when their keys are equal (a page's script is part of a widget's identity), so a widget key names its
page too: a widget met on a new page is then always seeded from the kept choice instead of starting empty.
Options come from the page's mart; a kept value that the mart does not have (e.g. from another page) stays
selectable and simply matches no rows.

The URL carries the same choices (``?team=a&team=b&from=2026-05-01&to=2026-10-31&cost_month=2026-09-01``):
a new session (a shared link, a reload) starts from them, and every run writes the page's current choices
back, so the address bar is always a link to what is on screen.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from streamlit_app import data, formats, glossary

PERSISTED = "flt_{}"
WIDGET = "w_{}"
PAGE = "_page"  # the url path of the page this run shows (set by the app before the page runs)

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
# drawn on every page whose mart has the column, besides the page's own filters
SHARED_FILTERS = (*DIMENSION_FILTERS, "payer_account_id", "service_code", "region")

URL_LOADED = "_url_loaded"
URL_PARAMS = "_url_params"
SELECTION = "_selection"
DATE_FROM, DATE_TO = "from", "to"
KEPT = "keep_{}"  # page selectors (ui.choose), see url_text


def url_text(value: Any) -> str:
    """A selector's value as it is written in the URL (dates as ISO days)."""
    return value.isoformat() if isinstance(value, date) else str(value)


def set_page(url_path: str) -> None:
    """Record the page of this run; on a page switch, forget the filter widgets of other pages (the kept
    choices stay), so that a page shown again is seeded from the latest choice, not from its old widgets."""
    if st.session_state.get(PAGE) != url_path:
        for key in [key for key in st.session_state if str(key).startswith("w_") and "@" in str(key)]:
            if not str(key).endswith(f"@{url_path}"):
                del st.session_state[key]
    st.session_state[PAGE] = url_path


def widget_key_of(name: str) -> str:
    """The key of a filter widget on the page of this run (see the module's docstring)."""
    return WIDGET.format(f"{name}@{st.session_state.get(PAGE, '')}")


def load_url() -> None:
    """Once per session: seed the kept choices from the URL's query parameters."""
    if st.session_state.get(URL_LOADED):
        return
    st.session_state[URL_LOADED] = True
    params = st.query_params
    for key in params:
        values = params.get_all(key)
        if key in (DATE_FROM, DATE_TO):
            continue
        if key in LABELS or key in SHARED_FILTERS:
            st.session_state[PERSISTED.format(key)] = list(values)
        elif values:
            st.session_state[KEPT.format(key)] = values[-1]
    try:
        first = date.fromisoformat(params.get(DATE_FROM, ""))
        last = date.fromisoformat(params.get(DATE_TO, ""))
    except ValueError:
        return
    if first <= last:
        st.session_state[PERSISTED.format("dates")] = (first, last)


def to_url(key: str, value: Any) -> None:
    """Record a choice of this run for the URL (a list for a filter, a value for a selector)."""
    params = st.session_state.setdefault(URL_PARAMS, {})
    if isinstance(value, list | tuple):
        if value:
            params[key] = [url_text(item) for item in value]
    elif value is not None:
        params[key] = url_text(value)


@contextmanager
def url_sync() -> Iterator[None]:
    """Run a page, then write the choices it recorded (:func:`to_url`) to the URL."""
    st.session_state[URL_PARAMS] = {}
    st.session_state.pop(SELECTION, None)
    try:
        yield
    finally:
        st.query_params.from_dict(st.session_state.get(URL_PARAMS, {}))


def describe(selection: Selection | None = None) -> str:
    """The active filters in words, for chart titles: ``Team: web, data · 2026-05-01 to 2026-08-31``."""
    selection = selection or st.session_state.get(SELECTION)
    if selection is None:
        return ""
    parts = []
    for name, values in selection.values.items():
        if values:
            label = LABELS.get(name, (name.replace("_", " ").capitalize(), ()))[0]
            parts.append(f"{label}: {', '.join(formats.label(value) for value in values)}")
    if persisted("dates") and (selection.date_from or selection.date_to):  # a range the user chose
        first = formats.day(selection.date_from) if selection.date_from else "…"
        last = formats.day(selection.date_to) if selection.date_to else "…"
        parts.append(f"{first} to {last}")
    return " · ".join(parts)


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
    widget_key = widget_key_of(f"{name}__{scope}" if scope else name)
    if widget_key not in st.session_state:
        st.session_state[widget_key] = kept
    label, terms = LABELS.get(name, (name.replace("_", " ").capitalize(), (name,)))
    blocks = glossary.load_blocks()
    found = next((term for term in terms if blocks.get(term)), None)
    chosen = container.multiselect(
        label,
        choices,
        key=widget_key,
        placeholder="All",
        help=f"{blocks[found]}\n\n[Glossary ↗](glossary?term={found})" if found else None,
    )
    st.session_state[PERSISTED.format(name)] = list(chosen)
    to_url(name, list(chosen))
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
    widget_key = widget_key_of(f"dates_{first:%Y%m%d}_{last:%Y%m%d}")
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
            to_url(DATE_FROM, chosen[0])
            to_url(DATE_TO, chosen[1])
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
    """Draw the filters ``names`` (and the shared ones) that ``mart`` has and a date range on ``date_column``;
    return the choice (also kept for :func:`describe`)."""
    columns = set(data.mart_columns(mart))
    names = list(dict.fromkeys([*names, *(name for name in SHARED_FILTERS if name in columns)]))
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
    selection = Selection(values, start, end)
    st.session_state[SELECTION] = selection
    return selection


def clear_all() -> None:
    for key in list(st.session_state.keys()):
        if str(key).startswith(("flt_", "w_", "keep_")):
            del st.session_state[key]
