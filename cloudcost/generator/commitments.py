"""The company's reserved instances and Savings Plans, sized from its own usage.

Each commitment is sized as a share of the minimum hourly usage it can cover in a reference month, the way
a FinOps team would have bought it, so coverage and utilization look like a real company's: mostly well
used, with the documented exceptions (an m4 reservation stranded by a migration, an RDS reservation left
half unused by a downsizing, an EC2 Instance Savings Plan under-used after a family change).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np

from . import catalog
from .company import A_PAYER, Company, Fleet, Reservation, SavingsPlan
from .coverage import compute_coverage, on_demand_cost_by_fleet
from .datafiles import load
from .timeline import Window, to_datetime


def _period_moment(window: Window, index: int, day: int, hour: int, minute: int, second: int) -> datetime | None:
    if index >= len(window.periods):
        return None
    start = to_datetime(window.periods[index].start)
    return start + timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second)


def _reference_hours(window: Window, index: int) -> np.ndarray:
    period = window.periods[min(index, len(window.periods) - 1)]
    return np.arange(period.start_hour, period.start_hour + period.data_days * 24)


def _price_reservation(company: Company, res: Reservation) -> None:
    window_payer = company.payer_account_id
    uid = catalog.stable_uuid(company.seed, "ri", res.index)
    if res.service == "AmazonEC2":
        res.arn = f"arn:aws:ec2:{res.region}:{window_payer}:reserved-instances/{uid}"
        od = catalog.ec2_on_demand_rate(res.instance_type, res.region, res.platform)
        res.key = (
            f"ec2|{res.region}|{res.instance_type}|Windows"
            if res.platform == "Windows"
            else f"ec2|{res.region}|{res.family}|Linux"
        )
    elif res.service == "AmazonRDS":
        res.arn = f"arn:aws:rds:{res.region}:{window_payer}:ri:{res.instance_type.replace('.', '-')}-{uid[:8]}"
        od = catalog.rds_on_demand_rate(res.instance_type, res.region, res.platform, res.multi_az)
        res.key = f"rds|{res.region}|{res.family}|{res.platform}"
    else:
        res.arn = f"arn:aws:elasticache:{res.region}:{window_payer}:reserved-instance:ri-{uid[:13]}"
        od = catalog.cache_on_demand_rate(res.instance_type, res.region)
        res.key = f"cache|{res.region}|{res.instance_type}"
    _, size = catalog.split_instance_type(res.instance_type)
    res.factor = catalog.size_factor(size) * (2 if res.multi_az else 1)
    res.od_rate = od
    effective = od * catalog.RI_EFFECTIVE_RATIO[(res.term_years, res.payment_option)]
    share = catalog.RI_UPFRONT_SHARE[res.payment_option]
    upfront_each = float(round(effective * res.term_hours * share))
    res.upfront_total = upfront_each * res.count
    res.recurring_hourly = round(effective * (1 - share), 4)
    res.subscription_id = catalog.stable_number(company.seed, "sub", res.index, digits=10)


def _units_in_key(company: Company, running: np.ndarray, key: str, hours: np.ndarray) -> np.ndarray:
    total = np.zeros(len(hours))
    for fleet in company.fleets:
        if fleet.ri_key == key:
            total += running[fleet.index, hours] * fleet.factor
    return total


_DATA = load("commitments")


class _Buyer:
    """Buys the company's commitments in the order of commitments.yml (the random purchase times follow it)."""

    def __init__(self, company: Company, running: np.ndarray) -> None:
        self.company = company
        self.running = running
        self.window = company.window
        self.rng = np.random.default_rng([company.seed, 13])
        self.first = to_datetime(self.window.start)
        self.all_hours = np.arange(self.window.hours)

    def past(self, days: int) -> datetime:
        """`days` before the window, at a random time of day."""
        base = self.first - timedelta(days=days)
        rng = self.rng
        return base + timedelta(
            hours=int(rng.integers(0, 24)), minutes=int(rng.integers(0, 60)), seconds=int(rng.integers(0, 60))
        )

    def moment(self, spec: dict, month: int | None = None) -> datetime | None:
        """A moment {month, day, time} of the window (None when the window does not have that month)."""
        index = spec["month"] if month is None else month
        return _period_moment(self.window, index, spec["day"], *spec["time"])

    def start(self, spec: dict, term: int) -> datetime | None:
        if "expires" in spec:
            end = self.moment(spec["expires"])
            if end is None:
                return self.past(spec["days_before"])
            return end - timedelta(days=365 * term) + timedelta(seconds=1)
        if "days_before" in spec:
            return self.past(spec["days_before"])
        return self.moment(spec)

    def reservation(
        self, spec: dict, start: datetime, *, count: int | None = None, in_window: bool = False
    ) -> Reservation:
        """A reservation of commitments.yml, sized on its share of the first month's floor unless `count`."""
        company = self.company
        service, platform, multi_az = spec["service"], spec["platform"], spec.get("multi_az", False)
        res = Reservation(
            len(company.reservations),
            service,
            spec["region"],
            spec["instance_type"],
            platform,
            multi_az,
            1,
            spec["term"],
            spec["payment"],
            spec.get("offering", "standard"),
            start,
            service != "AmazonElastiCache" and platform != "Windows",
            A_PAYER,
            in_window,
            scenario=spec.get("scenario", ""),
        )
        _price_reservation(company, res)
        if count is None:
            hours = _reference_hours(self.window, 0)
            floor_units = float(_units_in_key(company, self.running, res.key, hours).min())
            count = max(1, math.floor(spec["share"] * floor_units / res.factor))
        res.count = count
        _price_reservation(company, res)
        company.reservations.append(res)
        return res

    def plan(self, spec: dict, start: datetime, *, in_window: bool, scenario: str = "") -> SavingsPlan:
        company = self.company
        plan = SavingsPlan(
            len(company.savings_plans),
            spec["kind"],
            spec["term"],
            spec["payment"],
            0.0,
            start,
            A_PAYER,
            spec.get("family", ""),
            spec.get("region", ""),
            in_window,
            scenario=scenario,
        )
        plan.plan_id = catalog.stable_uuid(company.seed, "sp", plan.index)
        plan.arn = f"arn:aws:savingsplans::{company.payer_account_id}:savingsplan/{plan.plan_id}"
        company.savings_plans.append(plan)
        return plan

    def size_plan(self, plan: SavingsPlan, share: float, ref_hours: np.ndarray, exclude_family: str = "") -> None:
        company, running = self.company, self.running
        coverage = compute_coverage(company, running, self.all_hours)
        floor_ratio = min(
            (plan.rate_ratio(f) for f in company.fleets if exclude_family and f.family == exclude_family),
            default=1.0,
        )

        def ratio_of(fleet: Fleet) -> float:
            ratio = plan.rate_ratio(fleet)
            return ratio if ratio < floor_ratio else 1.0

        cost = on_demand_cost_by_fleet(company, running, coverage, ratio_of)
        hourly = cost.sum(axis=0)[ref_hours]
        plan.commitment = max(0.001, round(share * float(hourly.min()), 3))


def build_commitments(company: Company, running: np.ndarray) -> None:
    """Adds reservations and Savings Plans to the company (running = [fleet, window hour])."""
    buyer = _Buyer(company, running)
    for spec in _DATA["reservations"]:
        start = buyer.start(spec["start"], spec["term"])
        assert start is not None
        buyer.reservation(spec, start)
    _ri_floor(buyer)
    for spec in _DATA["savings_plans"]:
        _savings_plan(buyer, spec)
    _returned_plan(buyer)


def _ri_floor(buyer: _Buyer) -> None:
    """ri_floor: reservations bought for exactly the constant on-demand floor of one host type."""
    company, window, running = buyer.company, buyer.window, buyer.running
    spec = _DATA["ri_floor"]
    floor_index = company.scenarios["ri_floor"]["floor_period_index"]
    floor_fleet = next(f for f in company.fleets if f.host_type == spec["host_type"])
    purchase = buyer.moment(spec["bought"], floor_index + 1)
    floor_hours = _reference_hours(window, floor_index)
    floor_instances = int(running[floor_fleet.index, floor_hours].min())
    scenario = company.scenarios["ri_floor"]
    scenario.update(
        {
            "service_code": "AmazonEC2",
            "instance_family": floor_fleet.family,
            "instance_type": floor_fleet.instance_type,
            "region": floor_fleet.region,
            "host_type": floor_fleet.host_type,
            "floor_period": window.periods[floor_index].label,
            "floor_instances": floor_instances,
            "floor_normalized_units": floor_instances * floor_fleet.factor / 8.0,
        }
    )
    if purchase is None or floor_instances <= 0:
        return
    reservation = {
        **spec,
        "service": "AmazonEC2",
        "region": floor_fleet.region,
        "instance_type": floor_fleet.instance_type,
        "scenario": "ri_floor",
    }
    res = buyer.reservation(reservation, purchase, count=floor_instances, in_window=True)
    effective = res.od_rate * catalog.RI_EFFECTIVE_RATIO[(spec["term"], spec["payment"])]
    scenario.update(
        {
            "purchase_period": window.periods[floor_index + 1].label,
            "reservation_arn": res.arn,
            "reserved_count": res.count,
            "reserved_normalized_units": res.units / 8.0,
            "on_demand_rate": res.od_rate,
            "effective_rate": effective,
            "expected_monthly_savings_730h": round((res.od_rate - effective) * res.count * 730, 2),
        }
    )


def _savings_plan(buyer: _Buyer, spec: dict) -> None:
    in_window = "month" in spec["start"]
    start = buyer.start(spec["start"], spec["term"])
    if start is None:
        return
    plan = buyer.plan(spec, start, in_window=in_window, scenario=spec.get("scenario", ""))
    if spec["reference"] == "first_month":
        hours = _reference_hours(buyer.window, 0)
    elif spec["reference"] == "window":
        hours = buyer.all_hours
    else:
        hours = buyer.all_hours[buyer.all_hours >= buyer.window.hour_of(start)]
    buyer.size_plan(plan, spec["share"], hours, exclude_family=spec.get("exclude_family", ""))


def _returned_plan(buyer: _Buyer) -> None:
    """sp_returned: a plan bought and returned (refunded) before it applied."""
    spec = _DATA["returned_plan"]
    n = len(buyer.window.periods)
    returned = buyer.moment(spec["start"], min(spec["start"]["month"], n - 1))
    if returned is None or n < 2:
        return
    plan = buyer.plan(spec, returned, in_window=True, scenario="sp_returned")
    plan.commitment = max(spec["minimum_commitment"], round(spec["commitment_per_scale"] * buyer.company.scale, 3))
    plan.returned_on = returned + timedelta(**spec["returned_after"])
