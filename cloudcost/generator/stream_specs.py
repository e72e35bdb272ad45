"""Streams from templates: one template of ``data/streams.yml`` plus where it runs makes one SimpleStream."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import catalog
from .company import Company, SimpleStream, account_index
from .datafiles import load


def _price(value: str | float) -> float:
    """A template price: a catalog.yml price name or a number."""
    return catalog.PRICES[value] if isinstance(value, str) else float(value)


class StreamBuilder:
    """Adds the company's streams in order; every random draw goes through its one generator."""

    def __init__(self, company: Company) -> None:
        self.company = company
        self.data: dict[str, Any] = load("streams")
        self.rng = np.random.default_rng([company.seed, 17])
        self.scale = company.scale
        self.small = company.scale < self.data["small_scale"]

    def jitter(self, low: float = 0.7, high: float = 1.3) -> float:
        return float(self.rng.uniform(low, high))

    def hex_id(self) -> str:
        """16 random hex digits of a resource id (nat-0…, vol-0…, a load balancer's id)."""
        return f"{int(self.rng.integers(16**14, 16**15)):016x}"

    def count(self, value: float) -> int:
        """A resource count at scale 1 grown or shrunk to the company's scale (at least one)."""
        return max(1, int(round(value * self.scale)))

    def account(self, name: str) -> int:
        return account_index(name)

    def account_id(self, name: str) -> str:
        return self.company.accounts[account_index(name)].account_id

    def quantity(self, template: dict, base: float | None, weight: float | None) -> float:
        """quantity · factor · weight · scale · draw, as far as the template has them (see streams.yml)."""
        value = template["quantity"] if base is None else base
        if "factor" in template:
            value = value * template["factor"]
        if weight is not None:
            value = value * weight
        if template.get("scaled"):
            value = value * self.scale
        if "draw" in template:
            value = value * self.jitter(*template["draw"])
        return value

    def emit(
        self,
        name: str,
        account: int,
        region: str | None,
        *,
        rate: float | None = None,
        base: float | None = None,
        weight: float | None = None,
        quantity: float | None = None,
        fields: dict[str, Any] | None = None,
        resource: str = "",
        tags: int = 0,
        **options: Any,
    ) -> SimpleStream:
        """Add the stream of template `name` in `account` and `region`; `fields` fill the template's braces."""
        template = self.data["templates"][name]
        if rate is None:
            rate = _price(template["price"])
            if template.get("regional"):
                assert region is not None
                rate = round(rate * catalog.REGIONS[region].price_multiplier, 4)
        public = _price(template["public_price"]) if "public_price" in template else rate
        context = {"price": rate, **_region_fields(region), **(fields or {})}
        usage_type = template["usage_type"].format(**context)
        operation = template["operation"].format(**context)
        product = self.product(template, None if template.get("global") else region, usage_type, operation, context)
        if quantity is None:
            quantity = self.quantity(template, base, weight)
        head = (template["kind"], account, template["service"], usage_type, operation, product, template["unit"])
        description = template["description"].format(**context)
        tail = (rate, public, description, resource, tags, quantity)
        return self.add(*head, *tail, **{**template.get("options", {}), **options})

    def add(self, *fields: Any, **options: Any) -> SimpleStream:
        """Append a SimpleStream (its fields after the index, in order) to the company's streams."""
        stream = SimpleStream(len(self.company.streams), *fields, **options)
        self.company.streams.append(stream)
        return stream

    def product(self, template: dict, region: str | None, usage_type: str, operation: str, context: dict) -> dict:
        service = template["service"]
        attributes = {key: str(value).format(**context) for key, value in template.get("attributes", {}).items()}
        family = template["family"]
        product = catalog.simple_product(
            service, catalog.PRODUCT_NAMES[service], family, region, usage_type, operation, **attributes
        )
        if template.get("no_region_code"):
            product.pop("region_code", None)
        return product


def _region_fields(region: str | None) -> dict[str, str]:
    if region is None:
        return {}
    r = catalog.REGIONS[region]
    return {"region": region, "region_name": r.name, "prefix": r.prefix}
