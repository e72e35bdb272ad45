"""Fees, discounts, credits, refunds and tax: the lines derived from usage.

Daily lines (built per chunk, from the chunk's usage): Savings Plan recurring fees (one per plan and time
bucket, with the used commitment summed from the covered lines), private-rate discounts on data transfer
out, Migration Acceleration Program credits and EDP discounts.

Period lines (built per delivery, from the period's accumulated figures up to the delivery's cut-off):
RIFee per reservation (reserved hours, unused amounts), reservation and Savings Plan upfront fees, a
refund of erroneous charges, a Savings Plan returned within its grace period (refund of its one-time fee),
an SLA credit, the late credit of a restatement, the Business support fee, the EDP discount on the period's
fees and the tax per account and product.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa

from . import catalog
from .company import (
    A_PAYER,
    EDP_RATE,
    PRIVATE_RATE_DT_DISCOUNT,
    TAX_RATE,
    TAX_TYPE,
    Company,
    Reservation,
    SavingsPlan,
    account_index,
)
from .coverage import active_hours
from .datafiles import load
from .lines import LINE_TYPES, Block, TemplateRegistry, combine, concat_blocks, make_block
from .timeline import Period, to_datetime
from .usage import _plan_fields

_BILLING = load("billing")
SP_PRODUCT = "ComputeSavingsPlans"
SP_PRODUCT_NAME = catalog.PRODUCT_NAMES[SP_PRODUCT]


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _group_sum(keys: list[np.ndarray], values: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Sum values by the combination of integer key arrays; returns the distinct keys and sums."""
    if len(values) == 0:
        return [k[:0] for k in keys], values[:0]
    code = np.zeros(len(values), dtype=np.int64)
    levels = []
    for k in keys:
        uniq_k, inverse_k = np.unique(k, return_inverse=True)
        levels.append(uniq_k)
        code = code * len(uniq_k) + inverse_k.ravel()
    uniq, inverse = np.unique(code, return_inverse=True)
    sums = np.bincount(inverse.ravel(), weights=values, minlength=len(uniq))
    out = []
    rest = uniq
    for level in reversed(levels):
        out.append(level[rest % len(level)])
        rest = rest // len(level)
    return out[::-1], sums


def _resource(values: list[str]) -> pa.Array:
    return pa.array(values, pa.string())


# ---------------------------------------------------------------- daily lines


def plan_fee_template(registry: TemplateRegistry, plan: SavingsPlan) -> int:
    kind = "Compute" if plan.kind == "ComputeSavingsPlans" else "EC2 Instance"
    return registry.add(
        product={
            "product_name": SP_PRODUCT_NAME,
            "servicecode": SP_PRODUCT,
            "usagetype": plan.usage_type,
            "region": "global",
            "location": "Any",
            "location_type": "Other",
            "sku": catalog.stable_code("sp", plan.usage_type),
        },
        line_item_line_item_type="SavingsPlanRecurringFee",
        line_item_product_code=SP_PRODUCT,
        line_item_usage_type=plan.usage_type,
        line_item_operation="",
        line_item_line_item_description=f"{plan.term_years} year {plan.payment_option} {kind} Savings Plan",
        pricing_unit="Hrs",
        meta_plan=plan.index,
        **_plan_fields(plan),
    )


def plan_fee_lines(company: Company, registry: TemplateRegistry, usage: Block, h0: int, h1: int, bucket: int) -> Block:
    """SavingsPlanRecurringFee per plan and time bucket, with the commitment used by the covered lines."""
    window = company.window
    epoch0 = window.epoch_seconds()
    n_buckets = (h1 - h0) // bucket
    hours = np.arange(h0, h1)
    plan_of = registry.meta("meta_plan")[usage.tpl]
    covered = registry.meta("meta_line_type")[usage.tpl] == LINE_TYPES.index("SavingsPlanCoveredUsage")
    effective = usage.nums.get("savings_plan_savings_plan_effective_cost", np.zeros(len(usage)))
    bucket_of = (usage.interval_start - epoch0) // 3600 // bucket - h0 // bucket
    blocks = []
    for plan in company.savings_plans:
        if plan.returned_on is not None:
            continue
        active = active_hours(window, window.hour_of(plan.start), window.hour_of(plan.end), hours)
        active_per_bucket = active.reshape(n_buckets, bucket).sum(axis=1).astype(np.float64)
        if not active_per_bucket.any():
            continue
        mask = covered & (plan_of == plan.index)
        used = np.bincount(bucket_of[mask], weights=effective[mask], minlength=n_buckets)[:n_buckets]
        j = np.flatnonzero(active_per_bucket)
        hrs = active_per_bucket[j]
        total = plan.commitment * hrs
        amortized = plan.amortized_hourly * hrs
        recurring = total - amortized
        start = epoch0 + (h0 + j * bucket) * 3600
        tpl = plan_fee_template(registry, plan)
        blocks.append(
            make_block(
                len(j),
                tpl=tpl,
                account=plan.account,
                start=start,
                end=start + bucket * 3600,
                key=combine(tpl, plan.index, 3),
                resource=_resource([plan.arn] * len(j)),
                line_item_usage_amount=hrs,
                line_item_unblended_rate=plan.recurring_hourly,
                line_item_unblended_cost=recurring,
                line_item_blended_rate=plan.recurring_hourly,
                line_item_blended_cost=recurring,
                savings_plan_total_commitment_to_date=total,
                savings_plan_used_commitment=used[j],
                savings_plan_amortized_upfront_commitment_for_billing_period=amortized,
                savings_plan_recurring_commitment_for_billing_period=recurring,
                savings_plan_savings_plan_rate=0.0,
            )
        )
    return concat_blocks(blocks)


def _day_of(block: Block, epoch0: int) -> np.ndarray:
    return (block.interval_start - epoch0) // 86400


def private_rate_lines(company: Company, registry: TemplateRegistry, usage: Block) -> Block:
    """PrivateRateDiscount per account, usage type and day on data transfer out."""
    mask = registry.meta("meta_private_rate")[usage.tpl] == 1
    if not mask.any():
        return concat_blocks([])
    epoch0 = company.window.epoch_seconds()
    day = _day_of(usage, epoch0)[mask]
    (tpl_u, acct_u, day_u), sums = _group_sum(
        [usage.tpl[mask], usage.account[mask], day], usage.nums["line_item_unblended_cost"][mask]
    )
    rows = registry.rows
    tpls = []
    for t in tpl_u:
        row = rows[int(t)]
        tpls.append(
            registry.add(
                product={
                    "product_name": "AWS Data Transfer",
                    "servicecode": "AWSDataTransfer",
                    "usagetype": row["line_item_usage_type"],
                    "region": row["product_region"],
                },
                line_item_line_item_type="PrivateRateDiscount",
                line_item_product_code="AWSDataTransfer",
                line_item_usage_type=row["line_item_usage_type"],
                line_item_line_item_description=f"{int(PRIVATE_RATE_DT_DISCOUNT * 100)}% private rate discount on "
                "data transfer out",
                pricing_unit="GB",
            )
        )
    tpl = np.array(tpls, dtype=np.int32)
    start = epoch0 + day_u * 86400
    amount = -PRIVATE_RATE_DT_DISCOUNT * sums
    return make_block(
        len(sums),
        tpl=tpl,
        account=acct_u,
        start=start,
        end=start + 86400,
        key=combine(tpl, acct_u, 5),
        line_item_unblended_cost=amount,
        line_item_blended_cost=amount,
    )


def map_credit_lines(company: Company, registry: TemplateRegistry, usage: Block, period: Period) -> Block:
    """Migration Acceleration Program credits on EC2 usage of two accounts, for the first months."""
    credit = _BILLING["map_credit"]
    if period.index >= credit["months"]:
        return concat_blocks([])
    meta_type = registry.meta("meta_line_type")[usage.tpl]
    product = np.array(registry.product_codes)[registry.meta("meta_product")[usage.tpl]]
    mask = (
        (meta_type == LINE_TYPES.index("Usage"))
        & (product == "AmazonEC2")
        & np.isin(usage.account, [account_index(a) for a in credit["accounts"]])
    )
    if not mask.any():
        return concat_blocks([])
    epoch0 = company.window.epoch_seconds()
    (acct_u, day_u), sums = _group_sum(
        [usage.account[mask], _day_of(usage, epoch0)[mask]], usage.nums["line_item_unblended_cost"][mask]
    )
    tpl = registry.add(
        product={"product_name": _product_name("AmazonEC2"), "servicecode": "AmazonEC2"},
        line_item_line_item_type="Credit",
        line_item_product_code="AmazonEC2",
        line_item_line_item_description="AWS Migration Acceleration Program Credit",
    )
    start = epoch0 + day_u * 86400
    amount = -credit["rate"] * sums
    keep = amount < 0
    return make_block(
        int(keep.sum()),
        tpl=tpl,
        account=acct_u[keep],
        start=start[keep],
        end=start[keep] + 86400,
        key=combine(tpl, acct_u[keep], 6),
        line_item_unblended_cost=amount[keep],
        line_item_blended_cost=amount[keep],
    )


def edp_lines(company: Company, registry: TemplateRegistry, block: Block, daily: bool = False) -> Block:
    """EdpDiscount per account, product, invoice and interval (per day when daily), on lines subject to the EDP."""
    mask = registry.meta("meta_edp")[block.tpl] == 1
    if not mask.any():
        return concat_blocks([])
    if daily:
        epoch0 = company.window.epoch_seconds()
        day_start = epoch0 + _day_of(block, epoch0) * 86400
        block = Block(
            block.tpl,
            block.account,
            block.tags,
            block.start,
            block.end,
            day_start,
            day_start + 86400,
            block.key,
            block.resource,
            block.nums,
        )
    invoice_keys = sorted({registry.rows[int(t)]["invoice_key"] for t in np.unique(block.tpl[mask])})
    invoice_of_tpl = {
        int(t): invoice_keys.index(registry.rows[int(t)]["invoice_key"]) for t in np.unique(block.tpl[mask])
    }
    invoice = np.vectorize(invoice_of_tpl.__getitem__, otypes=[np.int64])(block.tpl[mask])
    product = registry.meta("meta_product")[block.tpl[mask]]
    (acct_u, prod_u, inv_u, start_u), sums = _group_sum(
        [block.account[mask], product, invoice, block.interval_start[mask]],
        block.nums["line_item_unblended_cost"][mask],
    )
    end_of_start = dict(zip(block.interval_start[mask].tolist(), block.interval_end[mask].tolist(), strict=False))
    tpls = []
    for p, i in zip(prod_u, inv_u, strict=True):
        code = registry.product_codes[int(p)]
        key = invoice_keys[int(i)]
        entity, bill_type = key.split("|")[:2]
        tpls.append(
            registry.add(
                product={"product_name": _product_name(code), "servicecode": code},
                line_item_line_item_type="EdpDiscount",
                line_item_product_code=code,
                line_item_line_item_description="Enterprise Program Discount",
                invoice_key=key,
                bill_bill_type=bill_type,
                bill_billing_entity=entity,
            )
        )
    tpl = np.array(tpls, dtype=np.int32)
    amount = -EDP_RATE * sums
    end = np.array([end_of_start[int(s)] for s in start_u], dtype=np.int64)
    keep = amount != 0
    return make_block(
        int(keep.sum()),
        tpl=tpl[keep],
        account=acct_u[keep],
        start=start_u[keep],
        end=end[keep],
        key=combine(tpl[keep], acct_u[keep], 8),
        line_item_unblended_cost=amount[keep],
        line_item_blended_cost=amount[keep],
    )


def _product_name(code: str) -> str:
    return catalog.PRODUCT_NAMES.get(code, code)


# ---------------------------------------------------------------- accumulated figures


@dataclass
class PeriodTotals:
    """Per-day figures of one period, summed from its chunks (for the period lines of each delivery)."""

    days: int
    n_accounts: int
    n_reservations: int
    max_products: int = 64

    def __post_init__(self) -> None:
        self.ri_used = np.zeros((self.n_reservations, self.days))
        self.ri_recurring = np.zeros((self.n_reservations, self.days))
        self.ri_amortized = np.zeros((self.n_reservations, self.days))
        self.tax_base = np.zeros((self.days, self.n_accounts, self.max_products))
        self.support_base = np.zeros(self.days)

    def add(self, registry: TemplateRegistry, block: Block, period_epoch: int) -> None:
        if len(block) == 0:
            return
        day = np.clip((block.interval_start - period_epoch) // 86400, 0, self.days - 1)
        line_type = registry.meta("meta_line_type")[block.tpl]
        res = registry.meta("meta_reservation")[block.tpl]
        du = (line_type == LINE_TYPES.index("DiscountedUsage")) & (res >= 0)
        if du.any():
            flat = res[du] * self.days + day[du]
            size = self.n_reservations * self.days
            nums = block.nums
            self.ri_used += np.bincount(flat, nums["line_item_normalized_usage_amount"][du], size).reshape(
                self.n_reservations, self.days
            )
            self.ri_recurring += np.bincount(flat, nums["reservation_recurring_fee_for_usage"][du], size).reshape(
                self.n_reservations, self.days
            )
            self.ri_amortized += np.bincount(
                flat, nums["reservation_amortized_upfront_cost_for_usage"][du], size
            ).reshape(self.n_reservations, self.days)
        cost = block.nums["line_item_unblended_cost"]
        taxable = registry.meta("meta_taxable")[block.tpl] == 1
        if taxable.any():
            product = registry.meta("meta_product")[block.tpl]
            if product.max() >= self.max_products:
                raise RuntimeError("too many product codes for the tax accumulator")
            np.add.at(self.tax_base, (day[taxable], block.account[taxable], product[taxable]), cost[taxable])
        supported = registry.meta("meta_edp")[block.tpl] == 1
        if supported.any():
            np.add.at(self.support_base, day[supported], cost[supported])


# ---------------------------------------------------------------- period lines


def _ri_usage_type(res: Reservation) -> tuple[str, str]:
    prefix = catalog.REGIONS[res.region].prefix
    if res.service == "AmazonEC2":
        return (
            f"{prefix}HeavyUsage:{res.instance_type}",
            "RunInstances:0002" if res.platform == "Windows" else "RunInstances",
        )
    if res.service == "AmazonRDS":
        return (
            f"{prefix}HeavyUsage:{res.instance_type}",
            f"CreateDBInstance:{int(catalog.RDS_ENGINE_CODE[res.platform]):04d}",
        )
    return f"{prefix}HeavyUsage:{res.instance_type}", "CreateCacheCluster:0002"


def _ri_product(res: Reservation, usage_type: str, operation: str) -> dict[str, str]:
    family, _ = catalog.split_instance_type(res.instance_type)
    return {
        "product_name": _product_name(res.service),
        "servicecode": res.service,
        "region": res.region,
        "region_code": res.region,
        "location": catalog.location(res.region),
        "location_type": "AWS Region",
        "instance_type": res.instance_type,
        "instance_type_family": family,
        "usagetype": usage_type,
        "operation": operation,
        "sku": catalog.stable_code("ri-sku", res.instance_type, res.region, res.platform),
    }


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _ri_fields(res: Reservation) -> dict[str, object]:
    return {
        "reservation_reservation_a_r_n": res.arn,
        "reservation_subscription_id": res.subscription_id,
        "reservation_start_time": _iso(res.start),
        "reservation_end_time": _iso(res.end),
        "reservation_modification_status": "Original",
    }


def rifee_lines(
    company: Company, registry: TemplateRegistry, period: Period, cutoff_day: int, totals: PeriodTotals
) -> Block:
    window = company.window
    hours = np.arange(period.start_hour, period.start_hour + cutoff_day * 24)
    start = _epoch(to_datetime(period.start))
    end = _epoch(to_datetime(period.end)) - 1
    blocks = []
    for res in company.reservations:
        active = active_hours(window, window.hour_of(res.start), window.hour_of(res.end), hours)
        active_count = float(active.sum())
        if active_count == 0:
            continue
        usage_type, operation = _ri_usage_type(res)
        platform_text = {"Linux": "Linux/UNIX (Amazon VPC)", "Windows": "Windows (Amazon VPC)"}.get(
            res.platform, res.platform
        )
        tpl = registry.add(
            product=_ri_product(res, usage_type, operation),
            line_item_line_item_type="RIFee",
            line_item_product_code=res.service,
            line_item_usage_type=usage_type,
            line_item_operation=operation,
            line_item_line_item_description=(
                f"USD {res.recurring_hourly:g} hourly fee per {platform_text}, {res.instance_type} instance"
            ),
            pricing_unit="Hrs",
            meta_reservation=res.index,
            **_ri_fields(res),
        )
        ri_hours = active_count * res.count
        reserved_units = ri_hours * res.factor
        fee = res.recurring_hourly * ri_hours
        amortized_period = res.upfront_total / res.term_hours * active_count
        used_units = float(totals.ri_used[res.index, :cutoff_day].sum())
        used_recurring = float(totals.ri_recurring[res.index, :cutoff_day].sum())
        used_amortized = float(totals.ri_amortized[res.index, :cutoff_day].sum())
        unused_units = max(0.0, reserved_units - used_units)
        blocks.append(
            make_block(
                1,
                tpl=tpl,
                account=res.account,
                start=start,
                end=end,
                key=combine(tpl, res.index, 9),
                resource=_resource([res.arn]),
                line_item_usage_amount=ri_hours,
                line_item_normalization_factor=res.factor,
                line_item_normalized_usage_amount=reserved_units,
                line_item_unblended_rate=res.recurring_hourly,
                line_item_unblended_cost=fee,
                line_item_blended_rate=res.recurring_hourly,
                line_item_blended_cost=fee,
                reservation_amortized_upfront_fee_for_billing_period=amortized_period,
                reservation_unused_amortized_upfront_fee_for_billing_period=amortized_period - used_amortized,
                reservation_unused_recurring_fee=fee - used_recurring,
                reservation_unused_normalized_unit_quantity=unused_units,
                reservation_unused_quantity=unused_units / res.factor,
                reservation_upfront_value=res.upfront_total,
                reservation_number_of_reservations=float(res.count),
                reservation_units_per_reservation=active_count,
                reservation_total_reserved_units=ri_hours,
                reservation_normalized_units_per_reservation=active_count * res.factor,
                reservation_total_reserved_normalized_units=reserved_units,
                reservation_amortized_upfront_cost_for_usage=0.0,
                reservation_recurring_fee_for_usage=0.0,
                reservation_effective_cost=0.0,
            )
        )
    return concat_blocks(blocks)


def _in_cut(moment: datetime, period: Period, cutoff_day: int) -> bool:
    start = to_datetime(period.start)
    return start <= moment < start + timedelta(days=cutoff_day)


def _one(
    registry: TemplateRegistry,
    tpl: int,
    account: int,
    moment: datetime,
    amount: float,
    *,
    resource: str = "",
    usage: float = 0.0,
    end: datetime | None = None,
    key: int = 0,
    **nums,
) -> Block:
    start = _epoch(moment.replace(minute=0, second=0, microsecond=0))
    day_start = _epoch(moment.replace(hour=0, minute=0, second=0, microsecond=0))
    stop = _epoch(end) if end else start + 3600
    return make_block(
        1,
        tpl=tpl,
        account=account,
        start=start,
        end=stop,
        interval_start=day_start,
        interval_end=day_start + 86400,
        key=combine(tpl, account, key),
        resource=_resource([resource]),
        line_item_usage_amount=usage,
        line_item_unblended_cost=amount,
        line_item_blended_cost=amount,
        **nums,
    )


def purchase_lines(company: Company, registry: TemplateRegistry, period: Period, cutoff_day: int) -> Block:
    """One-time fees of reservations and Savings Plans bought in the window, and the return of one plan."""
    blocks = []
    for res in company.reservations:
        if not (res.in_window_purchase and _in_cut(res.start, period, cutoff_day)):
            continue
        usage_type, operation = _ri_usage_type(res)
        key = f"AWS|Purchase|{res.arn}"
        tpl = registry.add(
            product=_ri_product(res, usage_type, operation),
            line_item_line_item_type="Fee",
            line_item_product_code=res.service,
            line_item_usage_type=usage_type,
            line_item_operation=operation,
            line_item_line_item_description=f"Sign up charge for subscription: {res.subscription_id}, planId: "
            f"{catalog.stable_number(res.arn, digits=7)}",
            bill_bill_type="Purchase",
            invoice_key=key,
            **_ri_fields(res),
        )
        blocks.append(
            _one(
                registry,
                tpl,
                res.account,
                res.start,
                res.upfront_total,
                resource=res.arn,
                usage=float(res.count),
                reservation_upfront_value=res.upfront_total,
                reservation_number_of_reservations=float(res.count),
                line_item_unblended_rate=res.upfront_total / res.count,
            )
        )
    for plan in company.savings_plans:
        if not (plan.in_window_purchase and plan.upfront_total > 0):
            continue
        if _in_cut(plan.start, period, cutoff_day):
            key = f"AWS|Purchase|{plan.arn}"
            tpl = registry.add(
                product={
                    "product_name": SP_PRODUCT_NAME,
                    "servicecode": SP_PRODUCT,
                    "usagetype": plan.usage_type,
                    "region": "global",
                    "sku": catalog.stable_code("sp", plan.usage_type),
                },
                line_item_line_item_type="SavingsPlanUpfrontFee",
                line_item_product_code=SP_PRODUCT,
                line_item_usage_type=plan.usage_type,
                line_item_line_item_description=f"Savings Plan upfront fee for Savings Plan ID {plan.plan_id}",
                bill_bill_type="Purchase",
                invoice_key=key,
                meta_plan=plan.index,
                meta_edp=0 if plan.returned_on else 1,
                **_plan_fields(plan),
            )
            blocks.append(
                _one(registry, tpl, plan.account, plan.start, plan.upfront_total, resource=plan.arn, usage=1.0)
            )
        if plan.returned_on is not None and _in_cut(plan.returned_on, period, cutoff_day):
            tpl = registry.add(
                product={
                    "product_name": SP_PRODUCT_NAME,
                    "servicecode": SP_PRODUCT,
                    "usagetype": plan.usage_type,
                    "region": "global",
                },
                line_item_line_item_type="Refund",
                line_item_product_code=SP_PRODUCT,
                line_item_usage_type=plan.usage_type,
                line_item_line_item_description=f"Refund for one-time fee for Savings Plan ID {plan.plan_id}",
                bill_bill_type="Refund",
                invoice_key="AWS|Refund|savings-plan-return",
                meta_plan=plan.index,
                **_plan_fields(plan),
            )
            blocks.append(_one(registry, tpl, plan.account, plan.returned_on, -plan.upfront_total, resource=plan.arn))
    return concat_blocks(blocks)


def one_off_lines(
    company: Company, registry: TemplateRegistry, period: Period, cutoff_day: int, restated: bool
) -> Block:
    """The refunds and credits of billing.yml the delivery reaches and (restated deliveries only) a late credit."""
    blocks = []
    start = to_datetime(period.start)
    for event in _BILLING["one_offs"]:
        if period.index != event["month"] or cutoff_day < event["day"]:
            continue
        fields = {
            "line_item_line_item_type": event["line_item_type"],
            "line_item_product_code": event["service"],
            "line_item_line_item_description": event["description"],
        }
        if "bill_type" in event:
            fields.update(bill_bill_type=event["bill_type"], invoice_key=event["invoice_key"])
        product = {"product_name": _product_name(event["service"]), "servicecode": event["service"]}
        tpl = registry.add(product=product, **fields)
        moment = start + timedelta(days=event["day"] - 1, hours=event["hour"])
        blocks.append(_one(registry, tpl, account_index(event["account"]), moment, _credit(company, event["amount"])))
    if restated:
        blocks.append(late_credit_lines(company, registry, period))
    return concat_blocks(blocks)


def _credit(company: Company, amount: float) -> float:
    """A credit of `amount` USD at scale 1 for the company (at least 5 % of it), negative, in cents."""
    return -round(amount * max(company.scale, 0.05), 2)


def late_credit_amount(company: Company) -> float:
    return _credit(company, _BILLING["late_credit"]["amount"])


def late_credit_lines(company: Company, registry: TemplateRegistry, period: Period) -> Block:
    late = _BILLING["late_credit"]
    tpl = registry.add(
        product={"product_name": _product_name(late["service"]), "servicecode": late["service"]},
        line_item_line_item_type="Credit",
        line_item_product_code=late["service"],
        line_item_line_item_description=late["description"],
    )
    moment = to_datetime(period.end) - timedelta(hours=6)
    return _one(registry, tpl, account_index(late["account"]), moment, late_credit_amount(company), key=11)


def support_fee(base: float) -> float:
    """AWS Business support: 10 % of the first $10K, 7 % to $80K, 5 % to $250K, 3 % above."""
    tiers = ((10_000, 0.10), (80_000, 0.07), (250_000, 0.05), (float("inf"), 0.03))
    fee, lower = 0.0, 0.0
    for upper, rate in tiers:
        if base > lower:
            fee += (min(base, upper) - lower) * rate
        lower = upper
    return max(fee, 100.0)


def support_lines(company: Company, registry: TemplateRegistry, period: Period, totals: PeriodTotals) -> Block:
    base = float(totals.support_base.sum())
    fee = round(support_fee(base), 2)
    tpl = registry.add(
        product={
            "product_name": _product_name("AWSSupportBusiness"),
            "servicecode": "AWSSupportBusiness",
            "usagetype": "Dollar",
            "region": "global",
        },
        line_item_line_item_type="Fee",
        line_item_product_code="AWSSupportBusiness",
        line_item_usage_type="Dollar",
        line_item_line_item_description="AWS Support (Business)",
        pricing_unit="Dollar",
    )
    start = to_datetime(period.start)
    return _one(
        registry,
        tpl,
        A_PAYER,
        start,
        fee,
        usage=round(base, 2),
        end=to_datetime(period.end),
        key=12,
        line_item_unblended_rate=fee / base if base else 0.0,
    )


def tax_lines(
    company: Company,
    registry: TemplateRegistry,
    period: Period,
    cutoff_day: int,
    totals: PeriodTotals,
    extra: Block,
    nudge: float = 0.0,
) -> Block:
    """Tax per account and product on the anniversary invoice: daily base up to the cut-off + period lines."""
    base = totals.tax_base[:cutoff_day].sum(axis=0).copy()  # [account, product]
    if len(extra):
        taxable = registry.meta("meta_taxable")[extra.tpl] == 1
        product = registry.meta("meta_product")[extra.tpl]
        np.add.at(base, (extra.account[taxable], product[taxable]), extra.nums["line_item_unblended_cost"][taxable])
    accounts, products = np.nonzero(base > 0)
    amounts = np.round(base[accounts, products] * TAX_RATE, 10)
    if nudge and len(amounts):
        amounts[int(np.argmax(amounts))] += nudge
    start = to_datetime(period.start)
    tpls = []
    for p in products:
        code = registry.product_codes[int(p)]
        tpls.append(
            registry.add(
                product={"product_name": _product_name(code)},
                line_item_line_item_type="Tax",
                line_item_product_code=code,
                line_item_line_item_description=f"Tax for product code {code}",
                line_item_tax_type=TAX_TYPE,
                pricing_currency="",
            )
        )
    tpl = np.array(tpls, dtype=np.int32)
    day_start = _epoch(start)
    return make_block(
        len(amounts),
        tpl=tpl,
        account=accounts,
        start=day_start,
        end=_epoch(to_datetime(period.end)),
        interval_start=day_start,
        interval_end=day_start + 86400,
        key=combine(tpl, accounts, 10),
        line_item_usage_amount=1.0,
        line_item_unblended_cost=amounts,
        line_item_blended_cost=amounts,
    )


def period_lines(
    company: Company,
    registry: TemplateRegistry,
    period: Period,
    cutoff_day: int,
    final: bool,
    restated: bool,
    totals: PeriodTotals,
    tax_nudge: float = 0.0,
) -> Block:
    fees = concat_blocks(
        [
            rifee_lines(company, registry, period, cutoff_day, totals),
            purchase_lines(company, registry, period, cutoff_day),
            one_off_lines(company, registry, period, cutoff_day, restated),
            support_lines(company, registry, period, totals) if final else concat_blocks([]),
        ]
    )
    discounted = concat_blocks([fees, edp_lines(company, registry, fees)])
    return concat_blocks(
        [discounted, tax_lines(company, registry, period, cutoff_day, totals, discounted, nudge=tax_nudge)]
    )
