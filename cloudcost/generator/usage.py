"""Instance-hour line items (EC2, RDS, ElastiCache) for a chunk of hours.

Each running instance ("slot" of a fleet) gets one line per time bucket (day or hour) and pricing band:
on demand, Spot, each reservation (DiscountedUsage) and each Savings Plan (SavingsPlanCoveredUsage plus its
SavingsPlanNegation). Instances that stay up keep their id for weeks; instances that scale in and out get
a new id each day, as auto-scaling groups do. Previous-generation EC2 instances also carry the free
``EBSOptimized:*`` hours AWS writes for them.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import catalog
from .company import Company, Fleet, Reservation, SavingsPlan
from .coverage import compute_coverage
from .lines import PRICING_MODELS, Block, TemplateRegistry, combine, concat_blocks, hex_ids, make_block

OD_RATE_CODE = "JRTCKXETXF.6YS6EN2CT7"


def _iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _usage_type(fleet: Fleet, kind: str) -> tuple[str, str]:
    prefix = catalog.REGIONS[fleet.region].prefix
    itype = fleet.instance_type
    if fleet.service == "AmazonEC2":
        if kind == "spot":
            return f"{prefix}SpotUsage:{itype}", "RunInstances:SV001"
        if kind == "ebs_optimized":
            return f"{prefix}EBSOptimized:{itype}", "Hourly"
        return f"{prefix}BoxUsage:{itype}", "RunInstances:0002" if fleet.platform == "Windows" else "RunInstances"
    if fleet.service == "AmazonRDS":
        code = int(catalog.RDS_ENGINE_CODE[fleet.platform])
        usage = "Multi-AZUsage" if fleet.multi_az else "InstanceUsage"
        return f"{prefix}{usage}:{itype}", f"CreateDBInstance:{code:04d}"
    return f"{prefix}NodeUsage:{itype}", "CreateCacheCluster:0002"


def _product(fleet: Fleet, usage_type: str, operation: str) -> dict[str, str]:
    if fleet.service == "AmazonEC2":
        return catalog.ec2_product(fleet.instance_type, fleet.region, fleet.platform, usage_type, operation)
    if fleet.service == "AmazonRDS":
        return catalog.rds_product(
            fleet.instance_type, fleet.region, fleet.platform, fleet.multi_az, usage_type, operation
        )
    return catalog.cache_product(fleet.instance_type, fleet.region, usage_type)


def _os_text(fleet: Fleet) -> str:
    return "Windows" if fleet.platform == "Windows" else "Linux"


def instance_template(
    registry: TemplateRegistry, company: Company, fleet: Fleet, kind: str, az: str, commitment: int = -1
) -> int:
    """Template of one kind of instance line: od | spot | ri | sp | sp_negation | ebs_optimized."""
    cache_key = ("instance", fleet.index, kind, az, commitment)
    found = registry.cache.get(cache_key)
    if found is None:
        found = registry.cache[cache_key] = _instance_template(registry, company, fleet, kind, az, commitment)
    return found


def _instance_template(
    registry: TemplateRegistry, company: Company, fleet: Fleet, kind: str, az: str, commitment: int
) -> int:
    usage_type, operation = _usage_type(fleet, kind)
    product = _product(fleet, usage_type, operation)
    sku = product["sku"]
    itype = fleet.instance_type
    host_index = next(i for i, h in enumerate(company.host_types) if h.name == fleet.host_type)
    units = fleet.factor / 8.0
    fields: dict[str, object] = {
        "line_item_product_code": fleet.service,
        "line_item_usage_type": usage_type,
        "line_item_operation": operation,
        "line_item_availability_zone": az,
        "pricing_unit": "Hrs",
        "pricing_rate_id": catalog.stable_number(sku, kind, commitment, digits=11),
    }
    if kind == "od":
        fields.update(
            line_item_line_item_type="Usage",
            line_item_line_item_description=_on_demand_text(fleet),
            pricing_term="OnDemand",
            pricing_rate_code=f"{sku}.{OD_RATE_CODE}",
            meta_host_type=host_index,
            meta_pricing_model=PRICING_MODELS.index("on_demand"),
            meta_units_per_hour=units,
        )
    elif kind == "spot":
        location = catalog.location(fleet.region)
        fields.update(
            line_item_line_item_type="Usage",
            pricing_term="",
            pricing_unit="",
            line_item_line_item_description=(f"{itype} Linux/UNIX Spot Instance-hour in {location} in VPC Zone #1"),
            meta_host_type=host_index,
            meta_pricing_model=PRICING_MODELS.index("spot"),
            meta_units_per_hour=units,
        )
        product = dict(
            product, sku=catalog.stable_code("spot", itype, fleet.region), usagetype=usage_type, operation=operation
        )
    elif kind == "ebs_optimized":
        fields.update(
            line_item_line_item_type="Usage",
            pricing_term="OnDemand",
            pricing_rate_code=f"{sku}.{OD_RATE_CODE}",
            line_item_line_item_description=f"$0.00 per hour for EBS-optimized {itype} instance",
            meta_edp=0,
        )
        product = dict(product, sku=catalog.stable_code("ebsopt", itype, fleet.region))
    elif kind == "ri":
        fields.update(_reserved_fields(company, fleet, commitment, sku, host_index))
    elif kind in ("sp", "sp_negation"):
        fields.update(_plan_fields(company.savings_plans[commitment]))
        fields.update(_covered_fields(company, fleet, kind, commitment, sku, host_index))
    else:
        raise ValueError(kind)
    return registry.add(product=product, **fields)


def _on_demand_text(fleet: Fleet) -> str:
    rate, itype = fleet.od_rate, fleet.instance_type
    if fleet.service == "AmazonEC2":
        return f"${rate:.4f} per On Demand {_os_text(fleet)} {itype} Instance Hour"
    if fleet.service == "AmazonRDS":
        deployment = "Multi-AZ " if fleet.multi_az else ""
        return f"${rate:.3f} per RDS {itype} {deployment}instance hour (or partial hour) running {fleet.platform}"
    return f"${rate:.3f} per Redis {itype} node hour (or partial hour)"


def _reserved_fields(company: Company, fleet: Fleet, commitment: int, sku: str, host_index: int) -> dict[str, object]:
    """Fields of a reservation's DiscountedUsage line."""
    res: Reservation = company.reservations[commitment]
    itype = fleet.instance_type
    if fleet.service == "AmazonEC2":
        platform = "Windows" if fleet.platform == "Windows" else "Linux/UNIX"
        text = f"{platform} (Amazon VPC), {itype} reserved instance applied"
    elif fleet.service == "AmazonRDS":
        text = f"{fleet.platform}, {itype} reserved instance applied"
    else:
        text = f"Redis, {itype} reserved node applied"
    offer = catalog.stable_code("offer", res.term_years, res.payment_option, res.offering_class, length=10)
    return dict(
        line_item_line_item_type="DiscountedUsage",
        line_item_line_item_description=text,
        pricing_term="Reserved",
        pricing_lease_contract_length=f"{res.term_years}yr",
        pricing_offering_class=res.offering_class,
        pricing_purchase_option=res.payment_option,
        pricing_rate_code=f"{sku}.{offer}.{catalog.stable_code('rate', offer, length=10)}",
        reservation_reservation_a_r_n=res.arn,
        reservation_subscription_id=res.subscription_id,
        meta_host_type=host_index,
        meta_pricing_model=PRICING_MODELS.index("reserved"),
        meta_units_per_hour=fleet.factor / 8.0,
        meta_reservation=res.index,
        meta_edp=0,
    )


def _covered_fields(
    company: Company, fleet: Fleet, kind: str, commitment: int, sku: str, host_index: int
) -> dict[str, object]:
    """Fields of a Savings Plan's SavingsPlanCoveredUsage (kind sp) or SavingsPlanNegation line."""
    plan: SavingsPlan = company.savings_plans[commitment]
    if kind == "sp":
        return dict(
            line_item_line_item_type="SavingsPlanCoveredUsage",
            pricing_term="OnDemand",
            pricing_rate_code=f"{sku}.{OD_RATE_CODE}",
            line_item_line_item_description=(
                f"{plan.term_years} year {plan.payment_option} "
                f"{'Compute' if plan.kind == 'ComputeSavingsPlans' else 'EC2 Instance'} Savings Plan "
                f"applied to {_os_text(fleet)} {fleet.instance_type}"
            ),
            meta_host_type=host_index,
            meta_pricing_model=PRICING_MODELS.index("savings_plan"),
            meta_units_per_hour=fleet.factor / 8.0,
            meta_plan=plan.index,
            meta_edp=0,
        )
    account_id = company.accounts[fleet.account].account_id
    return dict(
        line_item_line_item_type="SavingsPlanNegation",
        pricing_term="OnDemand",
        pricing_rate_code=f"{sku}.{OD_RATE_CODE}",
        line_item_line_item_description=f"SavingsPlanNegation used by AccountId : {account_id} and UsageSku : {sku}",
        meta_plan=plan.index,
        meta_edp=0,
    )


def _plan_fields(plan: SavingsPlan) -> dict[str, str]:
    return {
        "savings_plan_savings_plan_a_r_n": plan.arn,
        "savings_plan_offering_type": plan.kind,
        "savings_plan_payment_option": plan.payment_option,
        "savings_plan_purchase_term": f"{plan.term_years}yr",
        "savings_plan_region": plan.region,
        "savings_plan_instance_type_family": plan.family,
        "savings_plan_start_time": _iso(plan.start),
        "savings_plan_end_time": _iso(plan.end),
    }


def _spot_ratio(fleet: Fleet, days: np.ndarray) -> np.ndarray:
    h = combine(fleet.index, days, 99)
    frac = (h >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    return 0.27 + 0.07 * np.sin(days / 9.0 + fleet.index) ** 2 + 0.04 * frac


def _resource_ids(company: Company, fleet: Fleet, slots: np.ndarray, keys: np.ndarray) -> pa.Array:
    if fleet.service == "AmazonEC2":
        return hex_ids("i-", keys)
    account_id = company.accounts[fleet.account].account_id
    names = []
    for i in range(int(slots.max()) + 1):
        if fleet.service == "AmazonRDS":
            suffix = "" if fleet.multi_az else f"-replica-{i}"
            names.append(
                f"arn:aws:rds:{fleet.region}:{account_id}:db:{fleet.host_type}-prod{suffix}"
                + (f"-{i}" if fleet.multi_az and i else "")
            )
        else:
            names.append(
                f"arn:aws:elasticache:{fleet.region}:{account_id}:cluster:{fleet.host_type}-"
                f"{i // 2 + 1:04d}-{i % 2 + 1:03d}"
            )
    return pa.array(names, pa.string()).take(pa.array(slots))


def instance_lines(
    company: Company, registry: TemplateRegistry, running: np.ndarray, h0: int, h1: int, bucket: int
) -> Block:
    """Instance usage lines for window hours [h0, h1); `running` is the whole window's [fleet, hour]."""
    hours = np.arange(h0, h1)
    chunk = running[:, h0:h1]
    coverage = compute_coverage(company, chunk, hours)
    epoch0 = company.window.epoch_seconds()
    n_buckets = len(hours) // bucket
    bucket_start = epoch0 + (h0 + np.arange(n_buckets) * bucket) * 3600
    blocks: list[Block] = []
    for fleet in company.fleets:
        n = chunk[fleet.index].astype(np.float64)
        top = int(n.max())
        if top == 0:
            continue
        slots = np.arange(top, dtype=np.float64)[:, None]
        running_mask = slots < n[None, :]
        run3 = running_mask.reshape(top, n_buckets, bucket)
        first = run3.argmax(axis=2)
        last = bucket - 1 - run3[:, :, ::-1].argmax(axis=2)
        if fleet.spot:
            bands = [("spot", -1, np.zeros_like(n), n)]
        else:
            cov = coverage[fleet.index]
            bands = [(b.kind, b.commitment, b.lo, b.hi) for b in cov.bands]
            bands.append(("od", -1, cov.covered_end, n))
        always_on = int(n.min())
        tag_set = company.fleet_tag_set(fleet)
        azs = fleet.azs
        for kind, commitment, lo, hi in bands:
            amount = np.clip(hi[None, :] - slots, 0.0, 1.0) - np.clip(lo[None, :] - slots, 0.0, 1.0)
            per_bucket = amount.reshape(top, n_buckets, bucket).sum(axis=2)
            slot_i, bucket_j = np.nonzero(per_bucket > 1e-9)
            if len(slot_i) == 0:
                continue
            blocks += _band_lines(
                company,
                registry,
                fleet,
                kind,
                commitment,
                slot_i,
                bucket_j,
                per_bucket[slot_i, bucket_j],
                first,
                last,
                bucket_start,
                h0,
                bucket,
                always_on,
                tag_set,
                azs,
            )
        if fleet.service == "AmazonEC2" and not catalog.FAMILIES[fleet.family].current_generation:
            hours_run = run3.sum(axis=2)
            slot_i, bucket_j = np.nonzero(hours_run)
            blocks += _band_lines(
                company,
                registry,
                fleet,
                "ebs_optimized",
                -1,
                slot_i,
                bucket_j,
                hours_run[slot_i, bucket_j].astype(np.float64),
                first,
                last,
                bucket_start,
                h0,
                bucket,
                always_on,
                tag_set,
                azs,
            )
    return concat_blocks(blocks)


def _band_lines(
    company: Company,
    registry: TemplateRegistry,
    fleet: Fleet,
    kind: str,
    commitment: int,
    slot_i: np.ndarray,
    bucket_j: np.ndarray,
    used: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    bucket_start: np.ndarray,
    h0: int,
    bucket: int,
    always_on: int,
    tag_set: int,
    azs: tuple[str, ...],
) -> list[Block]:
    n = len(slot_i)
    day = (h0 + bucket_j * bucket) // 24
    stable = slot_i < always_on
    res_key = np.where(
        stable,
        combine(fleet.index, slot_i, (day + slot_i * 7) // 45, 1),
        combine(fleet.index, slot_i, day, 2),
    )
    start = bucket_start[bucket_j] + first[slot_i, bucket_j] * 3600
    end = bucket_start[bucket_j] + (last[slot_i, bucket_j] + 1) * 3600
    interval_start = bucket_start[bucket_j]
    interval_end = interval_start + bucket * 3600
    resource = _resource_ids(company, fleet, slot_i, res_key)
    az_index = slot_i % len(azs)
    kinds = [kind] if kind != "sp" else ["sp", "sp_negation"]
    out = []
    for k in kinds:
        tpl_by_az = np.array([instance_template(registry, company, fleet, k, az, commitment) for az in azs])
        tpl = tpl_by_az[az_index]
        nums = _amounts(company, fleet, k, commitment, used, day)
        key = combine(tpl, fleet.account, res_key)
        out.append(
            make_block(
                n,
                tpl=tpl,
                account=fleet.account,
                tags=tag_set,
                start=start,
                end=end,
                interval_start=interval_start,
                interval_end=interval_end,
                key=key,
                resource=resource,
                **nums,
            )
        )
    return out


def _amounts(
    company: Company, fleet: Fleet, k: str, commitment: int, used: np.ndarray, day: np.ndarray
) -> dict[str, np.ndarray | float]:
    """Usage, rates and costs of one kind of instance line (od, spot, ebs_optimized, ri, sp, sp_negation)."""
    factor = fleet.factor
    od = fleet.od_rate
    nums: dict[str, np.ndarray | float] = {
        "line_item_usage_amount": used,
        "line_item_normalization_factor": factor,
        "line_item_normalized_usage_amount": used * factor,
        "pricing_public_on_demand_rate": od,
    }
    if k == "od":
        cost = used * od
        nums.update(_charged(od, cost, cost))
    elif k == "spot":
        rate = np.round(od * _spot_ratio(fleet, day), 4)
        cost = used * rate
        nums.update(line_item_normalization_factor=0.0, line_item_normalized_usage_amount=0.0)
        nums.update(_charged(rate, cost, used * od))
    elif k == "ebs_optimized":
        nums.update(line_item_unblended_rate=0.0, line_item_blended_rate=0.0, pricing_public_on_demand_rate=0.0)
    elif k == "ri":
        res = company.reservations[commitment]
        units = used * factor
        amortized = units * res.amortized_per_unit
        recurring = units * res.recurring_per_unit
        effective = amortized + recurring
        nums.update(
            line_item_unblended_rate=0.0,
            line_item_unblended_cost=0.0,
            line_item_blended_rate=effective / used,
            line_item_blended_cost=effective,
            pricing_public_on_demand_cost=used * od,
            reservation_amortized_upfront_cost_for_usage=amortized,
            reservation_recurring_fee_for_usage=recurring,
            reservation_effective_cost=effective,
        )
    elif k == "sp":
        plan = company.savings_plans[commitment]
        sp_rate = od * plan.rate_ratio(fleet)
        cost = used * od
        nums.update(_charged(od, cost, cost))
        nums.update(savings_plan_savings_plan_rate=sp_rate, savings_plan_savings_plan_effective_cost=used * sp_rate)
    else:  # sp_negation
        cost = -used * od
        nums.update(_charged(od, cost, 0.0))
        nums.update(savings_plan_savings_plan_rate=0.0, savings_plan_savings_plan_effective_cost=0.0)
    return nums


def _charged(rate: np.ndarray | float, cost: np.ndarray, public_cost: np.ndarray | float) -> dict:
    """Unblended and blended rate and cost of a line, with its public on-demand cost."""
    return {
        "line_item_unblended_rate": rate,
        "line_item_unblended_cost": cost,
        "line_item_blended_rate": rate,
        "line_item_blended_cost": cost,
        "pricing_public_on_demand_cost": public_cost,
    }
