"""Monthly forecasts 1–12 months ahead and their backtest, per series of whole months.

Two measures: ``cost`` = public on-demand cost per service × account (payer and currency kept in the key; the
price list basis, so commitment purchases and expiries do not bend the history), and ``usage`` = on-demand-
equivalent normalized units per instance family (every pricing model). Each series is modelled as a daily
rate (the month's total / its days) and turned back into a month's total with the target month's days, so
February is not a dip. Horizon h = 1 is the month starting on the generation date; buckets m1, m2-3, m4-6,
m7-12. Baselines: ``seasonal_naive`` (same month last year) and ``last_value`` (the last whole month), both
as daily rates. The product's monthly forecasts are the SQL models of ``fct_forecast_monthly`` (net cost
included); ``monthly_sql`` rebuilds them as of each origin so that this backtest scores them on the same points.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from cloudcost.forecasts.models import forecast_series
from cloudcost.input_errors import InputError
from cloudcost.settings import Settings
from cloudcost.warehouse import fetch_all

MIN_TRAINING_MONTHS = 12
HORIZON_MONTHS = 12
BASELINES = ("seasonal_naive", "last_value")
MEASURES = {
    "cost": (
        "select payer_account_id || ' / ' || currency || ' / ' || service_code || ' / ' || account_id, "
        "cast(date_trunc('month', usage_date) as date), sum(public_on_demand_cost), max(usage_date) "
        "from marts.fct_cost_daily group by 1, 2"
    ),
    "usage": (
        "select instance_family, cast(date_trunc('month', usage_date) as date), sum(normalized_units), "
        "max(usage_date) from marts.fct_normalized_usage where instance_family is not null group by 1, 2"
    ),
}


def bucket(horizon: int) -> str:
    return "m1" if horizon == 1 else "m2-3" if horizon <= 3 else "m4-6" if horizon <= 6 else "m7-12"


def days_in(month: date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class MonthlyHistory:
    """Whole months only: series member -> month -> total; months = every whole month, in order."""

    series: dict[str, dict[date, float]]
    months: list[date]


def read_monthly_history(settings: Settings, measure: str) -> MonthlyHistory:
    rows = fetch_all(settings, MEASURES[measure], read_only=settings.target == "duckdb")
    if not rows:
        raise InputError("the warehouse holds no cost or usage yet", fix="Load the CUR and run `cloudcost build`.")
    last_day = max(row[3] for row in rows)
    first = min(row[1] for row in rows)
    # a month counts when the data reaches its last day (the open month does not)
    last_whole = add_months(date(last_day.year, last_day.month, 1), 0 if last_day.day == days_in(last_day) else -1)
    months = []
    month = date(first.year, first.month, 1)
    while month <= last_whole:
        months.append(month)
        month = add_months(month, 1)
    series: dict[str, dict[date, float]] = {}
    for member, month, total, _ in rows:
        if month <= last_whole:
            series.setdefault(str(member), {})[month] = float(total or 0.0)
    return MonthlyHistory(series, months)


def forecast_rates(rates: np.ndarray, source: str, steps: int) -> np.ndarray:
    """Daily rates for the ``steps`` months after ``rates`` (oldest first)."""
    if source == "last_value":
        return np.full(steps, rates[-1])
    if source == "seasonal_naive":
        return np.array([rates[len(rates) - 12 + (step % 12)] for step in range(steps)])
    return forecast_series(rates, source, steps, season_length=12).mean


@dataclass
class MonthlyScore:
    """Σ|actual − forecast|, Σ actual and points per (source, bucket)."""

    error: dict[tuple[str, str], float] = field(default_factory=dict)
    actual: dict[tuple[str, str], float] = field(default_factory=dict)
    points: dict[tuple[str, str], int] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)

    def add(self, source: str, horizon: int, actual: float, forecast: float) -> None:
        key = (source, bucket(horizon))
        self.error[key] = self.error.get(key, 0.0) + abs(actual - forecast)
        self.actual[key] = self.actual.get(key, 0.0) + actual
        self.points[key] = self.points.get(key, 0) + 1

    def wape(self, source: str, bucket_name: str) -> float | None:
        actual = self.actual.get((source, bucket_name), 0.0)
        return self.error[(source, bucket_name)] / actual if actual else None


def origins(history: MonthlyHistory, every: int = 1) -> list[date]:
    """Generation dates (month starts) with 12 whole months before them and at least one whole month after."""
    if len(history.months) < MIN_TRAINING_MONTHS + 1:
        raise InputError(
            f"a monthly backtest needs at least {MIN_TRAINING_MONTHS + 1} whole months (12 of training, one to "
            f"score); the warehouse holds {len(history.months)}",
            fix="Load more CUR history, or backtest daily forecasts.",
        )
    return history.months[MIN_TRAINING_MONTHS::every]


def backtest_monthly(
    history: MonthlyHistory,
    sources: Sequence[str],
    every: int = 1,
    computed: Mapping[tuple[date, str, str], Mapping[int, float]] | None = None,
    computed_sources: Sequence[str] = (),
) -> MonthlyScore:
    """Every origin, every series with a whole year before it, every source: 1–12 months ahead, scored.
    ``computed`` holds forecasts made elsewhere (the SQL models), per (origin, source, member) and horizon:
    ``computed_sources`` are scored from it on the same points; a missing forecast counts in ``missing``."""
    score = MonthlyScore()
    computed = computed or {}
    for origin in origins(history, every):
        position = history.months.index(origin)
        trained = history.months[position - MIN_TRAINING_MONTHS : position]
        targets = history.months[position : position + HORIZON_MONTHS]
        for member, by_month in history.series.items():
            if trained[0] not in by_month:
                continue  # younger than a year at the origin
            start = min(by_month)
            rates = np.array([by_month.get(m, 0.0) / days_in(m) for m in history.months[:position] if m >= start])
            if not rates[-MIN_TRAINING_MONTHS:].any():
                continue
            for source in sources:
                predicted = forecast_rates(rates, source, len(targets))
                for step, month in enumerate(targets):
                    score.add(source, step + 1, by_month.get(month, 0.0), float(predicted[step]) * days_in(month))
            for source in computed_sources:
                forecasts = computed.get((origin, source, member), {})
                for step, month in enumerate(targets):
                    if step + 1 in forecasts:
                        score.add(source, step + 1, by_month.get(month, 0.0), forecasts[step + 1])
                    else:
                        score.missing[source] = score.missing.get(source, 0) + 1
    return score
