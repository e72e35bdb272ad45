"""Submitted forecasts with known, realistic errors, to measure forecast accuracy against.

* Engineering (``usage_forecasts.csv``): every Monday, per identifiable host type (tagged or named by its
  auto-scaling group), daily xlarge-normalized units for the next 35 days. The team extrapolates the
  trailing 28 days with their weekday profile and is optimistic: +5 % plus 4 % per 30 days of horizon,
  with noise growing with the horizon (3 % + 0.2 % per day); it does not foresee step changes. The 80 %
  interval is ±1.28 σ around the (biased) forecast with σ = 6 % + 0.3 % per day of horizon.
* Finance (``finance_forecasts.csv``): a rolling forecast refreshed every Monday afternoon (16:00 UTC, ahead
  of the weekly cost review), for the month of the submission and the next three: public on-demand cost per
  service × instance family × pricing model (on_demand, reserved, savings_plan, spot) from the last complete
  month (the last month whose final CUR, delivered on the 3rd of the next month, had arrived by the
  submission), grown 3 % a month, ±5 % noise, with the expected discount rate of the base month ±2 points.
  The submissions of one month share their base and differ by their noise (deterministic per seed); a replay
  one step every 7 days sees a new Finance vintage at every step. Instance families are named as the
  semantic layer names them (``db.r6g`` for RDS, ``cache.m6g`` for ElastiCache, ``m5`` for EC2), so every
  forecast row can meet an itemized actual.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from .company import Company
from .timeline import FINAL_DELIVERY_DAY, Period, add_months

ENGINEERING_BIAS = 0.05
ENGINEERING_BIAS_PER_30_DAYS = 0.04
HORIZON_DAYS = 35
FINANCE_GROWTH = 0.03
FINANCE_HORIZON_MONTHS = 3
FINANCE_SUBMISSION_WEEKDAY = 0  # Finance resubmits its rolling forecast every Monday (date.weekday())
FINANCE_SUBMISSION_TIME = "16:00:00Z"


def write_usage_forecasts(out: Path, company: Company, host_units: np.ndarray) -> int:
    """host_units: [host type, window day] actual xlarge-normalized units (data days only)."""
    window = company.window
    rng = np.random.default_rng([company.seed, 29])
    data_days = window.days
    first_monday = (7 - window.start.weekday()) % 7
    rows = 0
    path = out / "forecasts" / "usage_forecasts.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["source", "generated_at", "host_type", "target_date", "normalized_units", "lower_bound", "upper_bound"]
        )
        for gen_day in range(first_monday + 14, data_days, 7):
            generated = window.start + timedelta(days=gen_day)
            generated_at = f"{generated.isoformat()}T09:00:00Z"
            lookback = host_units[:, max(0, gen_day - 28) : gen_day]
            for h, host in enumerate(company.host_types):
                if host.tagging == "none":
                    continue
                history = lookback[h]
                if history.size < 7 or history[-7:].min() <= 0:
                    continue
                start_day = max(0, gen_day - history.size)
                weekdays = (window.start.weekday() + start_day + np.arange(history.size)) % 7
                level = history.mean()
                profile = np.array(
                    [history[weekdays == w].mean() / level if (weekdays == w).any() else 1.0 for w in range(7)]
                )
                for horizon in range(1, HORIZON_DAYS + 1):
                    target = generated + timedelta(days=horizon)
                    bias = 1.0 + ENGINEERING_BIAS + ENGINEERING_BIAS_PER_30_DAYS * horizon / 30.0
                    noise = np.exp(rng.normal(0.0, 0.03 + 0.002 * horizon))
                    value = level * profile[target.weekday()] * bias * noise
                    sigma = 0.06 + 0.003 * horizon
                    writer.writerow(
                        [
                            "engineering",
                            generated_at,
                            host.name,
                            target.isoformat(),
                            f"{value:.4f}",
                            f"{value * (1 - 1.28 * sigma):.4f}",
                            f"{value * (1 + 1.28 * sigma):.4f}",
                        ]
                    )
                    rows += 1
    return rows


def write_finance_forecasts(
    out: Path, company: Company, monthly: dict[str, dict[tuple[str, str, str], list[float]]]
) -> int:
    """monthly: period label -> (service, family, pricing model) -> [public on-demand, amortized]."""
    window = company.window
    rng = np.random.default_rng([company.seed, 31])
    closed = {p.label: p for p in window.periods if not p.is_open}
    path = out / "forecasts" / "finance_forecasts.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "source",
                "generated_at",
                "month",
                "service_code",
                "instance_family",
                "pricing_model",
                "public_on_demand_cost",
                "expected_discount_rate",
                "net_cost",
            ]
        )
        for generated in finance_submission_days(company):
            period = next(p for p in window.periods if p.start <= generated < p.end)
            base_period = [p for p in closed.values() if _final_delivery(p) <= generated]
            if not base_period:
                continue
            base = base_period[-1]
            actuals = monthly.get(base.label, {})
            for ahead in range(FINANCE_HORIZON_MONTHS + 1):
                month: date = add_months(period.start, ahead)
                months_from_base = (month.year - base.start.year) * 12 + month.month - base.start.month
                days_ratio = _days_in_month(month) / base.days_in_month
                for (service, family, model), (public, amortized) in sorted(actuals.items()):
                    if public <= 0 or model == "free_tier":
                        continue
                    value = public * days_ratio * (1 + FINANCE_GROWTH) ** months_from_base
                    value *= np.exp(rng.normal(0.0, 0.05))
                    rate = float(np.clip(1 - amortized / public + rng.normal(0.0, 0.02), 0.0, 0.95))
                    writer.writerow(
                        [
                            "finance",
                            f"{generated.isoformat()}T{FINANCE_SUBMISSION_TIME}",
                            month.isoformat(),
                            service,
                            family,
                            model,
                            f"{value:.2f}",
                            f"{rate:.4f}",
                            f"{value * (1 - rate):.2f}",
                        ]
                    )
                    rows += 1
    return rows


def finance_submission_days(company: Company) -> list[date]:
    """Every Monday of the window before its data end: the days Finance submits its forecast."""
    window = company.window
    day = window.start + timedelta(days=(FINANCE_SUBMISSION_WEEKDAY - window.start.weekday()) % 7)
    days = []
    while day < window.end:
        days.append(day)
        day += timedelta(days=7)
    return days


def _final_delivery(period: Period) -> date:
    """The day the period's final CUR (so its complete actuals) arrives."""
    return period.end + timedelta(days=FINAL_DELIVERY_DAY - 1)


def _days_in_month(month: date) -> int:
    return (add_months(month, 1) - month).days
