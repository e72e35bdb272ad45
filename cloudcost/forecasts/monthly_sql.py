"""The SQL monthly forecasts (``int_forecasts__monthly``) made again as of past month starts, for the monthly
backtest: each origin rebuilds the monthly models with ``--vars as_of_date`` and reads their rows back; the
current forecasts are rebuilt at the end."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from cloudcost.forecasts.backtest import _dbt
from cloudcost.settings import Settings
from cloudcost.warehouse import fetch_all

SQL_SOURCES = ("baseline", "naive_seasonal", "naive_last_value")
SELECTION = ("int_forecasts__as_of", "int_forecasts__monthly_history", "int_forecasts__monthly")
# the member names of monthly.MEASURES, so the SQL rows meet the Python actuals
MEMBERS = {
    "cost": "payer_account_id || ' / ' || currency || ' / ' || service_code || ' / ' || account_id",
    "usage": "instance_family",
}

# (origin, source, member) -> horizon in months -> the month's forecast total
Computed = dict[tuple[date, str, str], dict[int, float]]


def _run(settings: Settings, manifest: Any, origin: date | None) -> None:
    args = ["run", "--select", *SELECTION, "--no-write-json"]
    if origin:
        args += ["--vars", json.dumps({"as_of_date": origin.isoformat()})]
    _dbt(args, settings, manifest, f"the monthly forecasts as of {origin}" if origin else "the monthly forecasts")


def sql_forecasts(settings: Settings, measure: str, origins: Sequence[date]) -> Computed:
    """Every origin's SQL monthly forecasts of ``measure``, per source, member and horizon."""
    manifest = _dbt(["parse"], settings, None, "dbt parse")
    computed: Computed = {}
    sql = (
        f"select forecast_source, {MEMBERS[measure]}, horizon_months, forecast_total "
        f"from intermediate.int_forecasts__monthly where measure = '{measure}'"
    )
    try:
        for origin in origins:
            _run(settings, manifest, origin)
            for source, member, horizon, total in fetch_all(settings, sql):
                computed.setdefault((origin, source, str(member)), {})[int(horizon)] = float(total)
    finally:
        _run(settings, manifest, None)
    return computed
