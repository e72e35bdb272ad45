"""Line items of the non-instance streams (storage, network, serverless, …) for a chunk of hours.

Quantities are vectorized over streams × time buckets. The noise of a stream on a day comes from a hash of
(seed, stream, day), so the numbers do not depend on how the window is cut into chunks.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import catalog
from .anomalies import StreamEffects
from .company import Company, SimpleStream
from .lines import PRICING_MODELS, Block, TemplateRegistry, combine, make_block
from .timeline import Period


def stream_template(registry: TemplateRegistry, company: Company, stream: SimpleStream) -> int:
    marketplace = stream.billing_entity != "AWS"
    fields: dict[str, object] = {
        "line_item_line_item_type": stream.line_item_type,
        "line_item_product_code": stream.service,
        "line_item_usage_type": stream.usage_type,
        "line_item_operation": stream.operation,
        "line_item_availability_zone": stream.az,
        "line_item_line_item_description": stream.description,
        "line_item_legal_entity": stream.legal_entity,
        "bill_billing_entity": stream.billing_entity,
        "pricing_term": stream.pricing_term,
        "pricing_unit": stream.unit,
        "pricing_rate_id": catalog.stable_number(stream.product.get("sku", ""), stream.rate, digits=11),
        "meta_private_rate": int(stream.private_rate),
        "meta_pricing_model": PRICING_MODELS.index(
            "free_tier" if stream.pricing_term == "" and stream.rate == 0 else "on_demand"
        ),
    }
    if stream.pricing_term == "OnDemand":
        fields["pricing_rate_code"] = f"{stream.product.get('sku', '')}.JRTCKXETXF.6YS6EN2CT7"
    if marketplace:
        fields["invoice_key"] = "AWS Marketplace|Anniversary"
        fields["pricing_currency"] = "USD"
    return registry.add(product=stream.product, **fields)


def _gaussian(seed: int, streams: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Standard normal numbers from a hash of (seed, stream, day)."""
    h1 = combine(seed, streams, days, 1)
    h2 = combine(seed, streams, days, 2)
    u1 = ((h1 >> np.uint64(11)).astype(np.float64) + 0.5) / float(1 << 53)
    u2 = ((h2 >> np.uint64(11)).astype(np.float64) + 0.5) / float(1 << 53)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


class StreamTable:
    """The streams as arrays, built once per generation."""

    def __init__(self, company: Company, registry: TemplateRegistry) -> None:
        streams = company.streams
        self.company = company
        self.tpl = np.array([stream_template(registry, company, s) for s in streams], dtype=np.int32)
        self.account = np.array([s.account for s in streams], dtype=np.int16)
        self.tags = np.array([s.tags for s in streams], dtype=np.int32)
        self.kind_gbmo = np.array([s.kind == "gbmo" for s in streams])
        self.quantity = np.array([s.quantity for s in streams])
        self.growth = np.array([s.growth_per_month for s in streams])
        self.weekend_drop = np.array([s.weekend_drop for s in streams])
        self.noise = np.array([s.noise for s in streams])
        self.first_day_only = np.array([s.first_day_only for s in streams])
        self.start_hour = np.array([s.start_hour for s in streams])
        self.end_hour = np.array([s.end_hour for s in streams])
        self.rate = np.array([s.rate for s in streams])
        self.public_rate = np.array([s.public_rate for s in streams])
        self.driven = np.array([s.driver == "payments" for s in streams])
        self.resource = pa.array([s.resource_id for s in streams], pa.string())
        self.index = np.arange(len(streams))
        self.effects: StreamEffects | None = None  # injected anomalies (cloudcost.generator.anomalies)

    def lines(self, period: Period, h0: int, h1: int, bucket: int) -> Block:
        company = self.company
        window = company.window
        n_buckets = (h1 - h0) // bucket
        bucket_hour = h0 + np.arange(n_buckets) * bucket  # [B]
        day = bucket_hour // 24
        weekday = (window.start.weekday() + day) % 7
        weekend = weekday >= 5
        volume = company.business_volumes["payments"]
        driver_ratio = volume[np.minimum(day, len(volume) - 1)] / volume[: min(7, len(volume))].mean()
        s_idx = self.index[:, None]
        trend = (1.0 + self.growth[:, None]) ** (bucket_hour[None, :] / 730.0)
        weekly = np.where(weekend[None, :], 1.0 - self.weekend_drop[:, None], 1.0)
        noise = np.exp(self.noise[:, None] * _gaussian(company.seed, s_idx, day[None, :]))
        level = np.where(self.driven[:, None], driver_ratio[None, :], trend)
        share = np.where(self.kind_gbmo[:, None], bucket / period.hours_in_month, bucket / 24.0)
        amount = self.quantity[:, None] * level * weekly * noise * share
        if self.effects is not None:
            amount = amount * self.effects.factor(len(self.index), day)
        first_bucket = bucket_hour == period.start_hour
        amount = np.where(
            self.first_day_only[:, None], np.where(first_bucket[None, :], self.quantity[:, None], 0.0), amount
        )
        active = (bucket_hour[None, :] >= self.start_hour[:, None]) & (bucket_hour[None, :] < self.end_hour[:, None])
        amount = np.where(active, amount, 0.0)
        stream_i, bucket_j = np.nonzero(amount > 0)
        used = amount[stream_i, bucket_j]
        epoch0 = window.epoch_seconds()
        start = epoch0 + bucket_hour[bucket_j] * 3600
        rate = self.rate[stream_i]
        cost = used * rate
        tpl = self.tpl[stream_i]
        return make_block(
            len(stream_i),
            tpl=tpl,
            account=self.account[stream_i],
            tags=self.tags[stream_i],
            start=start,
            end=start + bucket * 3600,
            key=combine(tpl, self.account[stream_i], stream_i, 7),
            resource=self.resource.take(pa.array(stream_i)),
            line_item_usage_amount=used,
            line_item_unblended_rate=rate,
            line_item_unblended_cost=cost,
            line_item_blended_rate=rate,
            line_item_blended_cost=cost,
            pricing_public_on_demand_rate=self.public_rate[stream_i],
            pricing_public_on_demand_cost=used * self.public_rate[stream_i],
        )
