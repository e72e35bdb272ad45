"""Number, date and code formats of the dashboard, in one place.

Every figure a page shows in text (KPIs, captions, chart titles, hovers) goes through these functions, and
every table through :func:`display_frame` plus the column formats below, so that money always reads
``$49,824.00`` (never ``-$0.00``), normalized units ``1,234.5 xlarge units``, shares ``12.3%``, months
``2026-05`` and a missing value ``—``.
"""

from __future__ import annotations

import csv
import math
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

MISSING = "—"
LABELS_FILE = Path(__file__).with_name("labels.csv")

# st.column_config.NumberColumn formats (printf style, as Streamlit documents them) for tables
MONEY_COLUMN_FORMAT = "dollar"  # $49,824.00; display_frame zeroes what rounds to 0.00, so never -$0.00
UNIT_MONEY_COLUMN_FORMAT = "$%.4f"  # a cost per unit (per payment, per 1,000 requests)
PERCENT_COLUMN_FORMAT = "%.1f%%"  # display_frame scales ratios to percentages
COUNT_COLUMN_FORMAT = "localized"
MONTH_COLUMN_FORMAT = "YYYY-MM"
DATE_COLUMN_FORMAT = "YYYY-MM-DD"


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float | Decimal):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _cents(value: Any) -> float:
    """``value`` rounded to the cent, with a negative zero made positive (no "-$0.00")."""
    rounded = round(float(value), 2)
    return 0.0 if rounded == 0 else rounded


def currency_symbol(currency: str | None) -> str:
    return "$" if (currency or "USD") == "USD" else f"{currency} "


def money(value: Any, currency: str | None = "USD", digits: int = 2) -> str:
    """``$49,824.00``, ``-$1,200.50``, ``EUR 10.00``; ``—`` when missing."""
    if is_missing(value):
        return MISSING
    amount = round(float(value), digits)
    amount = 0.0 if amount == 0 else amount
    sign = "-" if amount < 0 else ""
    return f"{sign}{currency_symbol(currency)}{abs(amount):,.{digits}f}"


def signed_money(value: Any, currency: str | None = "USD", digits: int = 2) -> str:
    """A change: ``+$1,200.00`` / ``-$50.00`` / ``$0.00``."""
    if is_missing(value):
        return MISSING
    text = money(value, currency, digits)
    return f"+{text}" if round(float(value), digits) > 0 else text


def unit_money(value: Any, currency: str | None = "USD") -> str:
    """A per-unit cost: four significant decimals below a dollar (``$0.0123``), cents above (``$10.00``)."""
    if is_missing(value):
        return MISSING
    return money(value, currency, 4 if abs(float(value)) < 1 else 2)


def units(value: Any, digits: int = 1) -> str:
    """Normalized instance units: ``1,234.5 xlarge units``."""
    if is_missing(value):
        return MISSING
    amount = round(float(value), digits)
    return f"{0.0 if amount == 0 else amount:,.{digits}f} xlarge units"


def percent(value: Any, digits: int = 1) -> str:
    """A ratio (0.123) as ``12.3%``."""
    if is_missing(value):
        return MISSING
    amount = round(float(value) * 100, digits)
    return f"{0.0 if amount == 0 else amount:,.{digits}f}%"


def signed_percent(value: Any, digits: int = 1) -> str:
    """A relative change (0.05) as ``+5.0%``."""
    if is_missing(value):
        return MISSING
    text = percent(value, digits)
    return f"+{text}" if round(float(value) * 100, digits) > 0 else text


def count(value: Any) -> str:
    if is_missing(value):
        return MISSING
    return f"{int(round(float(value))):,}"


def _as_date(value: Any) -> date | None:
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return pd.Timestamp(str(value)).date()
    except (ValueError, TypeError):
        return None


def month(value: Any) -> str:
    """A month as ``2026-05`` (from a date, timestamp or ISO string); ``—`` when missing."""
    if is_missing(value):
        return MISSING
    day = _as_date(value)
    return day.strftime("%Y-%m") if day else str(value)


def day(value: Any) -> str:
    """A day as ``2026-05-20``."""
    if is_missing(value):
        return MISSING
    parsed = _as_date(value)
    return parsed.isoformat() if parsed else str(value)


ID_WIDTH = 24  # characters of a shortened id in a table cell (ARNs, resource ids, usage types)


def short_id(value: Any, width: int = ID_WIDTH) -> str:
    """A long id shortened for a table cell, ``…`` marking the cut; ``—`` when missing.

    An ARN (``arn:partition:service:region:account:resource``) is shortened to its resource part, since the
    rest repeats from row to row; what is still longer than ``width`` keeps its start (the kind: ``instance/``,
    ``USE1-BoxUsage``) and its end (where ids differ)."""
    if is_missing(value):
        return MISSING
    text = str(value)
    if len(text) <= width + 3:  # a cut that saves fewer characters than it costs in reading is not made
        return text
    if text.startswith("arn:") and text.count(":") >= 5:
        resource = text.split(":", 5)[5]
        if len(resource) <= width + 3:
            return "…" + resource
        text = resource
    head = (width - 1) * 2 // 5
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def short_ids(values: Any, width: int = ID_WIDTH) -> dict[str, str]:
    """``{id: shortened id}`` for the distinct ``values`` of a column, each shortened as much as
    :func:`short_id` does while the shortened forms stay distinct (two ids never read the same)."""
    distinct = sorted({str(value) for value in values if not is_missing(value)})
    longest = max((len(text) for text in distinct), default=0)
    while width + 3 < longest:
        shortened = {text: short_id(text, width) for text in distinct}
        if len(set(shortened.values())) == len(distinct):
            return shortened
        width += 4
    return {text: text for text in distinct}


@cache
def _labels() -> dict[str, str]:
    with LABELS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["label"] for row in csv.DictReader(handle)}


def label(code: Any) -> str:
    """The readable label of a code from the marts (``ri_purchase`` → ``RI purchase``); ``—`` when missing.

    Unknown codes are shown with underscores as spaces and a capital first letter."""
    if is_missing(code):
        return MISSING
    text = str(code)
    known = _labels().get(text)
    if known:
        return known
    if "; " in text:  # lists of codes, e.g. exception reasons
        return "; ".join(label(part) for part in text.split("; "))
    return text.replace("_", " ")[:1].upper() + text.replace("_", " ")[1:] if "_" in text else text


def labels(codes: Any) -> dict[str, str]:
    """``{code: label}`` for a selectbox's ``format_func`` or a chart legend."""
    return {str(code): label(code) for code in codes}


def display_frame(
    frame: pd.DataFrame,
    money_columns: list[str] | tuple[str, ...] = (),
    ratio_columns: list[str] | tuple[str, ...] = (),
    code_columns: list[str] | tuple[str, ...] = (),
) -> pd.DataFrame:
    """A copy of ``frame`` ready to show: money that rounds to zero cents set to 0 (no "-$0.00"; other
    amounts keep their precision, so a table's figures equal the mart's), ratios scaled to percentages
    (for :data:`PERCENT_COLUMN_FORMAT`), codes replaced by labels."""
    shown = frame.copy()
    for name in money_columns:
        if name in shown:
            amounts = pd.to_numeric(shown[name], errors="coerce")
            shown[name] = amounts.where(~(amounts.abs() < 0.005), 0.0)
    for name in ratio_columns:
        if name in shown:
            shown[name] = pd.to_numeric(shown[name], errors="coerce") * 100
    for name in code_columns:
        if name in shown:
            shown[name] = shown[name].map(lambda code: None if is_missing(code) else label(code))
    return shown
