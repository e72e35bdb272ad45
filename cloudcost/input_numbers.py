"""What a number in an input file (finance, forecasts) may look like, as one DuckDB condition.

A plain decimal number, optionally with an exponent: ``-1234.56``, ``.5``, ``1e3``. Refused: ``NaN``,
``Infinity`` (DuckDB would cast both to a double), thousands separators, currency signs, and anything
whose size is at least ``LARGEST_MAGNITUDE``. Money is summed as decimal(38,10), which holds 28 digits
before the point; 1e18 leaves room to add ten billion such values, and no real cost, volume or forecast
comes near it (``1e308`` or ``1e999`` in a file is a broken export, not an amount).
"""

from __future__ import annotations

NUMBER_PATTERN = r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$"
LARGEST_MAGNITUDE = 1e18
NUMBER_RULE = "a plain number such as -1234.56, smaller than 1e18 in size; NaN and Infinity are refused"


def finite_number_sql(text: str) -> str:
    """A DuckDB condition, true when the text expression ``text`` is an acceptable number."""
    return (
        f"(regexp_matches({text}, '{NUMBER_PATTERN}') "
        f"and coalesce(abs(try_cast({text} as double)) < {LARGEST_MAGNITUDE:.0e}, false))"
    )
