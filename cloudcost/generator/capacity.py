"""How many instances of each fleet run in each hour of the window.

``n = round(floor · level) + round(extra · level · day-curve · weekday factor · (1 + noise))`` where
``level`` carries the trend, the step changes and (for payments fleets) the business volume. The noise is
drawn once per fleet for the whole window, so the result does not depend on how the window is chunked.
"""

from __future__ import annotations

import numpy as np

from .company import Company, Fleet


def _weekend_mask(company: Company, hours: np.ndarray) -> np.ndarray:
    first_weekday = company.window.start.weekday()
    weekday = (first_weekday + hours // 24) % 7
    return weekday >= 5


def _level(company: Company, fleet: Fleet, hours: np.ndarray) -> np.ndarray:
    t = hours.astype(np.float64)
    level = (1.0 + fleet.trend_per_month) ** (t / 730.0)
    for at_hour, multiplier in fleet.steps:
        level = np.where(t >= at_hour, level * multiplier, level)
    if fleet.driver:
        series = company.business_volumes[fleet.driver]
        days = np.minimum(hours // 24, len(series) - 1)
        level = level * series[days] / series[: min(7, len(series))].mean()
    return level


def _noise(company: Company, fleet: Fleet, n_hours: int) -> np.ndarray:
    if fleet.noise <= 0:
        return np.zeros(n_hours)
    rng = np.random.default_rng([company.seed, 11, fleet.index])
    n_days = n_hours // 24 + 1
    daily = np.empty(n_days)
    shocks = rng.normal(0.0, fleet.noise * 0.6, size=n_days)
    value = 0.0
    for i in range(n_days):  # AR(1) day-to-day wander
        value = 0.7 * value + shocks[i]
        daily[i] = value
    hourly = rng.normal(0.0, fleet.noise * 0.5, size=n_hours)
    return daily[np.arange(n_hours) // 24] + hourly


def fleet_capacity(company: Company, fleet: Fleet) -> np.ndarray:
    """Running instances of one fleet for every hour of the window (int32)."""
    n_hours = company.window.hours
    hours = np.arange(n_hours)
    level = _level(company, fleet, hours)
    floor_base = fleet.floor * (company.scale if fleet.floor_scales else 1.0)
    floor = np.maximum(np.rint(floor_base * level), fleet.min_floor)
    hod = (hours % 24).astype(np.float64)
    curve = ((1.0 + np.cos(2 * np.pi * (hod - fleet.diurnal_peak_utc) / 24.0)) / 2.0) ** fleet.diurnal_width
    weekday_factor = np.where(_weekend_mask(company, hours), 1.0 - fleet.weekend_drop, 1.0)
    extra = fleet.extra * company.scale * level * curve * weekday_factor * (1.0 + _noise(company, fleet, n_hours))
    running = floor + np.rint(np.maximum(extra, 0.0))
    active = (hours >= fleet.start_hour) & (hours < fleet.end_hour)
    return np.where(active, running, 0).astype(np.int32)


def capacity_matrix(company: Company) -> np.ndarray:
    """[fleet, hour] running instance counts for the whole window."""
    return np.stack([fleet_capacity(company, f) for f in company.fleets])
