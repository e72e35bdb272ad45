"""Public AWS prices and product attributes the generator draws from.

Prices are list (public on-demand) prices in USD for Linux/shared tenancy in us-east-1, close to AWS's
published ones; other regions apply a multiplier. Normalization factors follow AWS (nano 0.25 … large 4,
xlarge 8, Nxlarge 8·N); RDS Multi-AZ doubles the factor. Nothing here is random: the company built in
``company.py`` picks from this catalog.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .datafiles import load

HOURS_PER_YEAR = 8760
_DATA = load("catalog")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    prefix: str  # usage type prefix ("" for us-east-1, as AWS writes it)
    price_multiplier: float
    azs: tuple[str, ...]


@dataclass(frozen=True)
class Family:
    name: str
    category: str  # AWS product/instanceFamily ("General purpose", …)
    processor: str
    clock_speed: str
    gib_per_vcpu: float
    unit_price: float  # USD per normalization-factor unit-hour, Linux, us-east-1
    current_generation: bool
    arm: bool = False
    gpu: int = 0
    gpu_memory: str = ""
    network: str = "Up to 10 Gigabit"
    sp_compute_ratio: float = 0.72  # Compute Savings Plan rate / on-demand rate (1yr No Upfront)
    sp_instance_ratio: float = 0.62  # EC2 Instance Savings Plan rate / on-demand rate (1yr No Upfront)


def _price(value: float | list[float]) -> float:
    """A price as written in catalog.yml: an amount, or [amount, per] for amount / per."""
    if isinstance(value, list):
        amount, per = value
        return amount / per
    return value


REGIONS: dict[str, Region] = {
    r["code"]: Region(r["code"], r["name"], r["prefix"], r["price_multiplier"], tuple(r["azs"]))
    for r in _DATA["regions"]
}
# Product names by service code.
PRODUCT_NAMES: dict[str, str] = dict(_DATA["product_names"])
# Short region codes used in inter-region data transfer usage types (USE1-USW2-AWS-Out-Bytes).
REGION_SHORT: dict[str, str] = dict(_DATA["region_short"])
FAMILIES: dict[str, Family] = {f["name"]: Family(**f) for f in _DATA["families"]}
# Current-generation equivalents of previous-generation families (what a migration moves to).
CURRENT_GENERATION_EQUIVALENT: dict[str, str] = dict(_DATA["current_generation_equivalent"])
SIZE_FACTORS: dict[str, float] = dict(_DATA["size_factors"])
WINDOWS_LICENSE_PER_VCPU_HOUR: float = _DATA["windows_license_per_vcpu_hour"]
# RDS: USD per normalization-factor unit-hour (Single-AZ) by family and engine, us-east-1.
RDS_UNIT_PRICE: dict[tuple[str, str], float] = {(r["family"], r["engine"]): r["price"] for r in _DATA["rds_unit_price"]}
RDS_ENGINE_CODE: dict[str, str] = dict(_DATA["rds_engine_code"])
# ElastiCache: USD per node-hour by node type (Redis), us-east-1.
CACHE_NODE_PRICE: dict[str, float] = dict(_DATA["cache_node_price"])
# Reserved instance effective rate / on-demand rate, by (term years, payment option).
RI_EFFECTIVE_RATIO: dict[tuple[int, str], float] = {
    (r["term_years"], r["payment_option"]): r["ratio"] for r in _DATA["ri_effective_ratio"]
}
RI_UPFRONT_SHARE: dict[str, float] = dict(_DATA["ri_upfront_share"])
# Payment option multipliers on Savings Plan rates (relative to No Upfront) and 3-year factor.
SP_PAYMENT_FACTOR: dict[str, float] = dict(_DATA["sp_payment_factor"])
SP_THREE_YEAR_FACTOR: float = _DATA["sp_three_year_factor"]
EBS_PRICE: dict[str, float] = dict(_DATA["ebs_price"])
S3_PRICE: dict[str, float] = dict(_DATA["s3_price"])
# Prices of the other services' billed units, by name (streams.yml names them).
PRICES: dict[str, float] = {name: _price(value) for name, value in _DATA["prices"].items()}


def split_instance_type(instance_type: str) -> tuple[str, str]:
    """'db.r6g.large' -> ('r6g', 'large'); 'cache.r6g.large' -> ('r6g', 'large'); 'm5.2xlarge' -> ('m5', '2xlarge')."""
    parts = instance_type.split(".")
    if parts[0] in ("db", "cache"):
        parts = parts[1:]
    return parts[0], parts[1]


def size_factor(size: str) -> float:
    """AWS normalization factor of an instance size (nano 0.25 … xlarge 8, 16xlarge 128)."""
    if size in SIZE_FACTORS:
        return SIZE_FACTORS[size]
    if size.endswith("xlarge"):
        return 8.0 * float(size[: -len("xlarge")])
    raise ValueError(f"no normalization factor for instance size {size!r}")


def vcpus(instance_type: str) -> int:
    family, size = split_instance_type(instance_type)
    if family == "t3":
        return {"nano": 2, "micro": 2, "small": 2, "medium": 2, "large": 2, "xlarge": 4, "2xlarge": 8}[size]
    if size == "medium":
        return 1
    return max(2, int(size_factor(size) / 2))


def memory_gib(instance_type: str) -> float:
    family, _ = split_instance_type(instance_type)
    if family == "t3":
        return {"nano": 0.5, "micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32}[
            split_instance_type(instance_type)[1]
        ]
    return vcpus(instance_type) * FAMILIES[family].gib_per_vcpu


def ec2_on_demand_rate(instance_type: str, region: str, operating_system: str = "Linux") -> float:
    family, size = split_instance_type(instance_type)
    rate = FAMILIES[family].unit_price * size_factor(size) * REGIONS[region].price_multiplier
    if operating_system == "Windows":
        rate += WINDOWS_LICENSE_PER_VCPU_HOUR * vcpus(instance_type)
    return round(rate, 4)


def rds_on_demand_rate(instance_type: str, region: str, engine: str, multi_az: bool) -> float:
    family, size = split_instance_type(instance_type)
    rate = RDS_UNIT_PRICE[(family, engine)] * size_factor(size) * REGIONS[region].price_multiplier
    return round(rate * (2 if multi_az else 1), 4)


def cache_on_demand_rate(node_type: str, region: str) -> float:
    return round(CACHE_NODE_PRICE[node_type] * REGIONS[region].price_multiplier, 4)


def stable_code(*parts: object, length: int = 16, alphabet: str = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789") -> str:
    """A deterministic AWS-looking code (SKU, offer code) from the parts."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:length])


def stable_number(*parts: object, digits: int = 9) -> str:
    digest = hashlib.sha256("#".join(str(p) for p in parts).encode()).digest()
    value = int.from_bytes(digest[:8], "big") % (9 * 10 ** (digits - 1))
    return str(10 ** (digits - 1) + value)


def stable_uuid(*parts: object) -> str:
    h = hashlib.sha256("~".join(str(p) for p in parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


def location(region: str) -> str:
    return REGIONS[region].name


def _instance_head(servicecode: str, product_family: str, instance_type: str, *, processor: bool = True) -> dict:
    """The attributes an instance-like product (EC2, RDS, ElastiCache) starts with, in CUR order."""
    family_name, _ = split_instance_type(instance_type)
    fam = FAMILIES[family_name]
    attrs = {
        "product_name": PRODUCT_NAMES[servicecode],
        "servicecode": servicecode,
        "servicename": PRODUCT_NAMES[servicecode],
        "product_family": product_family,
        "instance_type": instance_type,
        "instance_type_family": family_name,
        "instance_family": fam.category,
        "vcpu": str(vcpus(instance_type)),
        "memory": f"{memory_gib(instance_type):g} GiB",
    }
    if processor:
        attrs.update(
            {"physical_processor": fam.processor, "clock_speed": fam.clock_speed, "processor_architecture": "64-bit"}
        )
    attrs["network_performance"] = fam.network
    return attrs


def _place(attrs: dict, size: str, region: str, usage_type: str, operation: str) -> dict:
    """Append the normalization factor, location and usage attributes every instance-like product ends with."""
    attrs.update(
        {
            "normalization_size_factor": f"{size_factor(size):g}",
            "location": location(region),
            "location_type": "AWS Region",
            "region": region,
            "region_code": region,
            "usagetype": usage_type,
            "operation": operation,
        }
    )
    return attrs


def ec2_product(instance_type: str, region: str, operating_system: str, usage_type: str, operation: str) -> dict:
    family_name, size = split_instance_type(instance_type)
    fam = FAMILIES[family_name]
    attrs = _instance_head("AmazonEC2", "Compute Instance", instance_type)
    attrs.update(
        {
            "storage": "EBS only" if family_name not in ("i3",) else "1 x 475 NVMe SSD",
            "current_generation": "Yes" if fam.current_generation else "No",
            "operating_system": operating_system,
            "tenancy": "Shared",
            "license_model": "License Included" if operating_system == "Windows" else "No License required",
            "pre_installed_sw": "NA",
            "capacitystatus": "Used",
        }
    )
    attrs["normalization_size_factor"] = f"{size_factor(size):g}"
    attrs.update(
        {
            "ecu": "NA",
            "enhanced_networking_supported": "Yes",
            "processor_features": "Intel AVX; Intel AVX2; Intel AVX512; Intel Turbo"
            if not fam.arm and "AMD" not in fam.processor
            else "",
            "dedicated_ebs_throughput": "Up to 4750 Megabps" if fam.current_generation else "Up to 1000 Megabps",
        }
    )
    _place(attrs, size, region, usage_type, operation)
    if fam.gpu:
        attrs["gpu"] = str(fam.gpu)
        attrs["gpu_memory"] = fam.gpu_memory
    attrs["sku"] = stable_code("ec2", instance_type, region, operating_system, usage_type)
    return attrs


def rds_product(instance_type: str, region: str, engine: str, multi_az: bool, usage_type: str, operation: str) -> dict:
    family_name, size = split_instance_type(instance_type)
    attrs = _instance_head("AmazonRDS", "Database Instance", instance_type)
    attrs.update(
        {
            "current_generation": "Yes" if FAMILIES[family_name].current_generation else "No",
            "database_engine": engine,
            "engine_code": RDS_ENGINE_CODE[engine],
            "deployment_option": "Multi-AZ" if multi_az else "Single-AZ",
            "license_model": "No license required",
        }
    )
    _place(attrs, size, region, usage_type, operation)
    attrs["sku"] = stable_code("rds", instance_type, region, engine, multi_az)
    return attrs


def cache_product(node_type: str, region: str, usage_type: str) -> dict:
    _, size = split_instance_type(node_type)
    attrs = _instance_head("AmazonElastiCache", "Cache Instance", node_type, processor=False)
    attrs.update({"current_generation": "Yes", "cache_engine": "Redis"})
    _place(attrs, size, region, usage_type, "CreateCacheCluster:0002")
    attrs["sku"] = stable_code("cache", node_type, region)
    return attrs


def simple_product(
    servicecode: str,
    product_name: str,
    product_family: str,
    region: str | None,
    usage_type: str,
    operation: str,
    **extra: str,
) -> dict:
    attrs = {
        "product_name": product_name,
        "servicecode": servicecode,
        "servicename": product_name,
        "product_family": product_family,
        "usagetype": usage_type,
        "operation": operation,
    }
    if region is None:
        attrs.update({"location": "Global", "location_type": "AWS Region", "region": "global"})
    else:
        attrs.update(
            {"location": location(region), "location_type": "AWS Region", "region": region, "region_code": region}
        )
    attrs.update(extra)
    attrs["sku"] = stable_code(servicecode, region, usage_type, operation, *sorted(extra.items()))
    return attrs
