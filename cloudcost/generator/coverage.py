"""Which part of each fleet's running instances each reservation and Savings Plan covers, hour by hour.

Instances of a fleet are numbered 0..n-1 ("slot coordinates"). Reservations are applied first, per
reservation key (size-flexible regional Linux EC2 RIs by family and region; Windows and ElastiCache by
exact type; RDS by family, engine and region), to the key's fleets in fleet order, one reservation after
the other, in xlarge-independent AWS normalization units — so one instance can be partly covered.
Savings Plans come next, EC2 Instance Savings Plans before Compute Savings Plans, each applied in
dollars to the eligible usage with the highest savings percentage first (AWS's rule). What is left is
on demand (or Spot for Spot fleets).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .company import Company, Reservation, SavingsPlan
from .timeline import Window


@dataclass
class Band:
    kind: str  # "ri" | "sp"
    commitment: int  # index into company.reservations or company.savings_plans
    lo: np.ndarray  # [hours] slot coordinate where the band starts
    hi: np.ndarray  # [hours] slot coordinate where it ends


@dataclass
class FleetCoverage:
    bands: list[Band] = field(default_factory=list)
    covered_end: np.ndarray | None = None  # slot coordinate where on-demand usage starts


def active_hours(window: Window, start_hour: float, end_hour: float, hours: np.ndarray) -> np.ndarray:
    """Hours (window indices) that overlap [start_hour, end_hour)."""
    return (hours + 1 > start_hour) & (hours < end_hour)


def reservation_units(window: Window, res: Reservation, hours: np.ndarray) -> np.ndarray:
    start = window.hour_of(res.start)
    end = window.hour_of(res.end)
    return np.where(active_hours(window, start, end, hours), res.units, 0.0)


def reservation_active_hours(window: Window, res: Reservation, hours: np.ndarray) -> np.ndarray:
    return active_hours(window, window.hour_of(res.start), window.hour_of(res.end), hours)


def plan_commitment(window: Window, plan: SavingsPlan, hours: np.ndarray) -> np.ndarray:
    if plan.returned_on is not None:
        return np.zeros(len(hours))
    start = window.hour_of(plan.start)
    end = window.hour_of(plan.end)
    return np.where(active_hours(window, start, end, hours), plan.commitment, 0.0)


def compute_coverage(company: Company, running: np.ndarray, hours: np.ndarray) -> list[FleetCoverage]:
    """Bands of every fleet for the given hours; `running` is [fleet, len(hours)]."""
    window = company.window
    n_hours = len(hours)
    result = [FleetCoverage() for _ in company.fleets]
    covered_end = np.zeros((len(company.fleets), n_hours))
    running_f = running.astype(np.float64)

    keys: dict[str, list[int]] = {}
    for fleet in company.fleets:
        if fleet.ri_key:
            keys.setdefault(fleet.ri_key, []).append(fleet.index)
    for key, fleet_ids in keys.items():
        reservations = [r for r in company.reservations if r.key == key]
        if not reservations:
            continue
        caps = np.stack([reservation_units(window, r, hours) for r in reservations])
        upper = np.cumsum(caps, axis=0)
        lower = np.vstack([np.zeros((1, n_hours)), upper[:-1]])
        before = np.zeros(n_hours)
        for f in fleet_ids:
            unit = company.fleets[f].factor
            units = running_f[f] * unit
            for j, res in enumerate(reservations):
                lo = np.clip(lower[j] - before, 0.0, units) / unit
                hi = np.clip(upper[j] - before, 0.0, units) / unit
                if np.any(hi > lo):
                    result[f].bands.append(Band("ri", res.index, lo, hi))
            covered_end[f] = np.clip(upper[-1] - before, 0.0, units) / unit
            before = before + units

    plans = sorted(company.savings_plans, key=lambda p: (p.kind != "EC2InstanceSavingsPlans", p.index))
    for plan in plans:
        commitment = plan_commitment(window, plan, hours)
        if not commitment.any():
            continue
        ratios = [(plan.rate_ratio(f), f.index) for f in company.fleets]
        eligible = sorted((r, i) for r, i in ratios if r < 1.0)
        spent = np.zeros(n_hours)
        for ratio, f in eligible:
            remaining = running_f[f] - covered_end[f]
            cost = company.fleets[f].od_rate * ratio
            take = np.clip((commitment - spent) / cost, 0.0, remaining)
            if np.any(take > 0):
                result[f].bands.append(Band("sp", plan.index, covered_end[f].copy(), covered_end[f] + take))
            spent = spent + remaining * cost
            covered_end[f] = covered_end[f] + take
    for f, cov in enumerate(result):
        cov.covered_end = covered_end[f]
    return result


def on_demand_cost_by_fleet(
    company: Company, running: np.ndarray, coverage: list[FleetCoverage], ratio_of
) -> np.ndarray:
    """[fleet, hour] cost of the still-uncovered usage priced with ratio_of(fleet) (for sizing plans)."""
    out = np.zeros(running.shape)
    for fleet in company.fleets:
        ratio = ratio_of(fleet)
        if ratio >= 1.0:
            continue
        remaining = running[fleet.index] - coverage[fleet.index].covered_end
        out[fleet.index] = remaining * fleet.od_rate * ratio
    return out
