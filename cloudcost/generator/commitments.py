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
from .company import A_PAYER, Company, Reservation, SavingsPlan
from .coverage import compute_coverage, on_demand_cost_by_fleet
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


def build_commitments(company: Company, running: np.ndarray) -> None:
    """Adds reservations and Savings Plans to the company (running = [fleet, window hour])."""
    window = company.window
    rng = np.random.default_rng([company.seed, 13])
    first = to_datetime(window.start)
    n = len(window.periods)

    def add_ri(
        service: str,
        region: str,
        itype: str,
        platform: str,
        *,
        share: float,
        term: int,
        payment: str,
        start: datetime,
        offering: str = "standard",
        multi_az: bool = False,
        ref_period: int = 0,
        in_window: bool = False,
        count: int | None = None,
        scenario: str = "",
    ) -> Reservation:
        res = Reservation(
            len(company.reservations),
            service,
            region,
            itype,
            platform,
            multi_az,
            1,
            term,
            payment,
            offering,
            start,
            service != "AmazonElastiCache" and platform != "Windows",
            A_PAYER,
            in_window,
            scenario=scenario,
        )
        _price_reservation(company, res)
        if count is None:
            hours = _reference_hours(window, ref_period)
            floor_units = float(_units_in_key(company, running, res.key, hours).min())
            count = max(1, math.floor(share * floor_units / res.factor))
        res.count = count
        _price_reservation(company, res)
        company.reservations.append(res)
        return res

    def past(days: int) -> datetime:
        base = first - timedelta(days=days)
        return base + timedelta(
            hours=int(rng.integers(0, 24)), minutes=int(rng.integers(0, 60)), seconds=int(rng.integers(0, 60))
        )

    add_ri(
        "AmazonEC2", "us-east-1", "m5.xlarge", "Linux", share=0.7, term=3, payment="Partial Upfront", start=past(540)
    )
    m4_end = _period_moment(window, 4, 14, 8, 12, 45)
    m4_start = (m4_end - timedelta(days=365) + timedelta(seconds=1)) if m4_end else past(200)
    add_ri(
        "AmazonEC2",
        "us-east-1",
        "m4.2xlarge",
        "Linux",
        share=0.9,
        term=1,
        payment="No Upfront",
        start=m4_start,
        scenario="prev_gen_migration",
    )
    add_ri(
        "AmazonEC2",
        "us-east-1",
        "c5.2xlarge",
        "Linux",
        share=0.8,
        term=1,
        payment="All Upfront",
        start=past(150),
        offering="convertible",
    )
    add_ri("AmazonEC2", "us-east-1", "r5.2xlarge", "Linux", share=0.5, term=1, payment="No Upfront", start=past(90))
    add_ri("AmazonEC2", "us-east-1", "m5.xlarge", "Windows", share=0.9, term=1, payment="No Upfront", start=past(60))
    add_ri(
        "AmazonRDS",
        "us-east-1",
        "db.r6g.2xlarge",
        "PostgreSQL",
        share=0.9,
        term=1,
        payment="Partial Upfront",
        start=past(200),
        multi_az=True,
    )
    add_ri(
        "AmazonRDS",
        "eu-west-1",
        "db.r5.xlarge",
        "MySQL",
        share=1.0,
        term=1,
        payment="All Upfront",
        start=past(120),
        multi_az=True,
        scenario="rds_downsize",
    )
    add_ri(
        "AmazonElastiCache",
        "us-east-1",
        "cache.r6g.large",
        "Redis",
        share=0.9,
        term=1,
        payment="No Upfront",
        start=past(75),
    )

    floor_index = company.scenarios["ri_floor"]["floor_period_index"]
    floor_fleet = next(f for f in company.fleets if f.host_type == "search-indexer")
    purchase = _period_moment(window, floor_index + 1, 1, 9, 12, 37)
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
    if purchase is not None and floor_instances > 0:
        res = add_ri(
            "AmazonEC2",
            floor_fleet.region,
            floor_fleet.instance_type,
            "Linux",
            share=1.0,
            term=1,
            payment="Partial Upfront",
            start=purchase,
            in_window=True,
            count=floor_instances,
            scenario="ri_floor",
        )
        effective = res.od_rate * catalog.RI_EFFECTIVE_RATIO[(1, "Partial Upfront")]
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

    # Savings Plans: EC2 Instance plans first, then Compute plans sized on what the RIs leave.
    def add_plan(
        kind: str,
        term: int,
        payment: str,
        start: datetime,
        *,
        family: str = "",
        region: str = "",
        in_window: bool = False,
        scenario: str = "",
    ) -> SavingsPlan:
        plan = SavingsPlan(
            len(company.savings_plans),
            kind,
            term,
            payment,
            0.0,
            start,
            A_PAYER,
            family,
            region,
            in_window,
            scenario=scenario,
        )
        plan.plan_id = catalog.stable_uuid(company.seed, "sp", plan.index)
        plan.arn = f"arn:aws:savingsplans::{company.payer_account_id}:savingsplan/{plan.plan_id}"
        company.savings_plans.append(plan)
        return plan

    all_hours = np.arange(window.hours)

    def size_plan(plan: SavingsPlan, share: float, ref_hours: np.ndarray, exclude_family: str = "") -> None:
        coverage = compute_coverage(company, running, all_hours)
        floor_ratio = min(
            (plan.rate_ratio(f) for f in company.fleets if exclude_family and f.family == exclude_family),
            default=1.0,
        )

        def ratio_of(fleet) -> float:
            ratio = plan.rate_ratio(fleet)
            return ratio if ratio < floor_ratio else 1.0

        cost = on_demand_cost_by_fleet(company, running, coverage, ratio_of)
        hourly = cost.sum(axis=0)[ref_hours]
        plan.commitment = max(0.001, round(share * float(hourly.min()), 3))

    plan = add_plan("EC2InstanceSavingsPlans", 1, "All Upfront", past(130), family="m6i", region="us-east-1")
    size_plan(plan, 0.85, _reference_hours(window, 0))
    plan = add_plan(
        "EC2InstanceSavingsPlans", 1, "No Upfront", past(160), family="m6g", region="eu-west-1", scenario="sp_underused"
    )
    size_plan(plan, 0.9, _reference_hours(window, 0))
    plan = add_plan("ComputeSavingsPlans", 3, "No Upfront", past(600))
    size_plan(plan, 0.55, all_hours, exclude_family="c6i")
    bought = _period_moment(window, 1, 5, 14, 3, 11)
    if bought is not None:
        plan = add_plan("ComputeSavingsPlans", 1, "Partial Upfront", bought, in_window=True)
        size_plan(plan, 0.6, all_hours[all_hours >= window.hour_of(bought)], exclude_family="c6i")
    returned = _period_moment(window, min(2, n - 1), 12, 15, 42, 8)
    if returned is not None and n >= 2:
        plan = add_plan("ComputeSavingsPlans", 1, "All Upfront", returned, in_window=True, scenario="sp_returned")
        plan.commitment = max(1.0, round(2.0 * company.scale, 3))
        plan.returned_on = returned + timedelta(days=2, hours=3)
