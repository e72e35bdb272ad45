"""Daily host-type forecasts from statistical models, written as a submitted usage source.

The history is the built warehouse's daily normalized units per host type (the series the SQL baseline learns
from, ``int_forecasts__host_type_daily_units``), cut at the as-of date less an optional delivery lag. The
forecast is written as a usage forecast file (source = the model's name) and loaded through the same checks as
``cloudcost load-forecasts``; ``cloudcost build`` then snapshots it and scores it like every other source.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from cloudcost.forecasts.models import forecast_series
from cloudcost.input_errors import InputError
from cloudcost.settings import Settings
from cloudcost.warehouse import fetch_all

DAILY_HISTORY = "intermediate.int_forecasts__host_type_daily_units"
USAGE_HEADER = ("source", "generated_at", "host_type", "target_date", "normalized_units", "lower_bound", "upper_bound")
HORIZON_DAYS = 35  # the daily horizons every source covers (as the SQL baseline)
ACTIVE_DAYS = 7  # a host type is forecast when it had usage in its last week of data (as the SQL baseline)


@dataclass
class DailyHistory:
    """Daily units per host type: day -> units for every day the warehouse holds from its first usage on."""

    series: dict[str, dict[date, float]]
    first_day: date | None
    last_day: date | None

    def data_through(self, as_of: date, lag_days: int = 0) -> date | None:
        """The last day of data a forecast made on ``as_of`` sees (days before it, less the delivery lag)."""
        cutoff = as_of - timedelta(days=1 + lag_days)
        days = {day for by_day in self.series.values() for day in by_day if day <= cutoff}
        return max(days) if days else None


def _query(settings: Settings, sql: str) -> list[tuple]:
    # read-write: an in-process dbt run keeps its own (read-write) handle open
    return fetch_all(settings, sql)


def read_daily_history(settings: Settings) -> DailyHistory:
    """The built warehouse's daily host-type series; an InputError when it is not built yet."""
    try:
        rows = _query(
            settings,
            f"select host_type, usage_date, normalized_units from {DAILY_HISTORY} order by host_type, usage_date",
        )
    except Exception as error:  # missing relation: not built yet (DuckDB and psycopg2 raise their own types)
        if "int_forecasts__host_type_daily_units" not in str(error):
            raise
        raise InputError(
            f"the warehouse has no daily usage history yet ({DAILY_HISTORY} does not exist)",
            fix="Load the CUR and run `cloudcost build` first.",
        ) from error
    series: dict[str, dict[date, float]] = {}
    for host_type, usage_date, units in rows:
        series.setdefault(str(host_type), {})[as_date(usage_date)] = float(units or 0.0)
    days = [day for by_day in series.values() for day in by_day]
    return DailyHistory(series, min(days) if days else None, max(days) if days else None)


def as_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def training_values(by_day: dict[date, float], data_through: date, training_days: int) -> np.ndarray:
    """The series' last ``training_days`` days up to ``data_through`` (a missing day is 0), oldest first."""
    first = max(min(by_day), data_through - timedelta(days=training_days - 1))
    length = (data_through - first).days + 1
    return np.array([by_day.get(first + timedelta(days=i), 0.0) for i in range(max(length, 0))])


def model_rows(
    history: DailyHistory,
    model: str,
    as_of: date,
    lag_days: int = 0,
    training_days: int = 112,
    horizon_days: int = HORIZON_DAYS,
) -> list[tuple]:
    """One model's forecast rows (file columns of USAGE_HEADER) as of ``as_of``: targets as_of+1 … +horizon."""
    data_through = history.data_through(as_of, lag_days)
    if data_through is None:
        return []
    generated_at = datetime.combine(as_of, datetime.min.time())
    # the model steps from the day after the data to the last target (more than horizon_days under a lag)
    steps = (as_of - data_through).days + horizon_days
    rows = []
    for host_type, by_day in sorted(history.series.items()):
        if min(by_day) > data_through:
            continue
        values = training_values(by_day, data_through, training_days)
        if values[-ACTIVE_DAYS:].sum() <= 0:
            continue
        fitted = forecast_series(values, model, steps, season_length=7)
        for horizon in range(1, horizon_days + 1):
            step = (as_of + timedelta(days=horizon) - data_through).days - 1
            rows.append(
                (
                    model,
                    generated_at.isoformat(sep=" "),
                    host_type,
                    (as_of + timedelta(days=horizon)).isoformat(),
                    _number(fitted.mean[step]),
                    _number(fitted.lower[step]),
                    _number(fitted.upper[step]),
                )
            )
    return rows


def _number(value: float) -> str:
    return f"{float(value):.6f}"


def write_usage_file(path: Path, rows: Iterable[Sequence[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(USAGE_HEADER)
        writer.writerows(rows)
    return path


def default_as_of(history: DailyHistory) -> date:
    """The day after the last day of data (as the SQL baseline's generation date)."""
    if history.last_day is None:
        raise InputError("the warehouse holds no daily usage yet", fix="Load the CUR and run `cloudcost build`.")
    return history.last_day + timedelta(days=1)
