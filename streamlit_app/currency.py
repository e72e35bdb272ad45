"""One currency at a time on pages whose figures add money: amounts of different currencies are never added.

When a page's mart holds more than one currency (payers billed in USD and INR, say), the page shows a currency
choice (kept across pages with the cost page's) and every query of the page keeps that currency only; with one
currency there is nothing to choose and nothing changes.
"""

from __future__ import annotations

from dataclasses import replace

from streamlit_app import data, filters, ui

HELP = "Money is never added across currencies: the page's figures are for this currency."


def restrict(mart: str, selection: filters.Selection) -> tuple[filters.Selection, str]:
    """The selection narrowed to one currency of ``mart`` (the user's choice when there are several)."""
    if "currency" not in data.mart_columns(mart):
        return selection, "USD"
    options = data.distinct_values(mart, "currency")
    if len(options) <= 1:
        return selection, options[0] if options else "USD"
    chosen = ui.choose("Currency", options, "currency", HELP)
    return replace(selection, values={**selection.values, "currency": (chosen,)}), chosen
