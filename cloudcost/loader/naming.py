"""Column and map-key names the way AWS's Athena integration spells them.

``lineItem/UnblendedCost`` -> ``line_item_unblended_cost``, ``reservation/ReservationARN`` ->
``reservation_reservation_a_r_n``, ``resourceTags/user:Cost Center`` -> ``resource_tags_user_cost_center``:
an underscore before every capital letter, lower case, every run of other characters becomes one
underscore, no leading or trailing underscore. Already snake_case names (legacy Parquet, CUR 2.0) are
left as they are, so the rule can be applied to every flavour.
"""

from __future__ import annotations

import re
from datetime import date

_CAPITAL = re.compile(r"([A-Z])")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def athena_name(name: str) -> str:
    """Normalize one CUR column name (or tag / cost category key) to Athena snake_case."""
    spaced = _CAPITAL.sub(r"_\1", name).lower()
    return _NOT_ALNUM.sub("_", spaced).strip("_")


def sql_athena_name(expression: str) -> str:
    """The same rule as :func:`athena_name`, as DuckDB SQL over a VARCHAR expression."""
    spaced = f"lower(regexp_replace({expression}, '([A-Z])', '_\\1', 'g'))"
    return f"trim(regexp_replace({spaced}, '[^a-z0-9]+', '_', 'g'), '_')"


def period_label(billing_period: date) -> str:
    """A billing period the way people say it: ``2018-10``."""
    return billing_period.strftime("%Y-%m")
