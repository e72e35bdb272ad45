"""Public AWS prices and product attributes the generator draws from.

Prices are list (public on-demand) prices in USD for Linux/shared tenancy in us-east-1, close to AWS's
published ones; other regions apply a multiplier. Normalization factors follow AWS (nano 0.25 … large 4,
xlarge 8, Nxlarge 8·N); RDS Multi-AZ doubles the factor. Nothing here is random: the company built in
``company.py`` picks from this catalog.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

HOURS_PER_YEAR = 8760


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    prefix: str  # usage type prefix ("" for us-east-1, as AWS writes it)
    price_multiplier: float
    azs: tuple[str, ...]


REGIONS: dict[str, Region] = {
    r.code: r
    for r in (
        Region("us-east-1", "US East (N. Virginia)", "", 1.0, ("us-east-1a", "us-east-1b", "us-east-1c")),
        Region("us-west-2", "US West (Oregon)", "USW2-", 1.0, ("us-west-2a", "us-west-2b", "us-west-2c")),
        Region("eu-west-1", "EU (Ireland)", "EU-", 1.115, ("eu-west-1a", "eu-west-1b", "eu-west-1c")),
        Region(
            "ap-southeast-1",
            "Asia Pacific (Singapore)",
            "APS1-",
            1.2,
            ("ap-southeast-1a", "ap-southeast-1b"),
        ),
    )
}

# Short region codes used in inter-region data transfer usage types (USE1-USW2-AWS-Out-Bytes).
REGION_SHORT: dict[str, str] = {"us-east-1": "USE1", "us-west-2": "USW2", "eu-west-1": "EU", "ap-southeast-1": "APS1"}


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


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family("m5", "General purpose", "Intel Xeon Platinum 8175 (Skylake)", "3.1 GHz", 4, 0.024, True),
        Family(
            "c5", "Compute optimized", "Intel Xeon Platinum 8124M", "3.4 GHz", 2, 0.02125, True, sp_compute_ratio=0.73
        ),
        Family(
            "r5",
            "Memory optimized",
            "Intel Xeon Platinum 8175 (Skylake)",
            "3.1 GHz",
            8,
            0.0315,
            True,
            sp_compute_ratio=0.71,
            sp_instance_ratio=0.60,
        ),
        Family(
            "m6i",
            "General purpose",
            "Intel Xeon 8375C (Ice Lake)",
            "3.5 GHz",
            4,
            0.024,
            True,
            network="Up to 12500 Megabit",
            sp_instance_ratio=0.60,
        ),
        Family(
            "c6i",
            "Compute optimized",
            "Intel Xeon 8375C (Ice Lake)",
            "3.5 GHz",
            2,
            0.02125,
            True,
            network="Up to 12500 Megabit",
            sp_compute_ratio=0.80,
        ),
        Family(
            "r6i",
            "Memory optimized",
            "Intel Xeon 8375C (Ice Lake)",
            "3.5 GHz",
            8,
            0.0315,
            True,
            network="Up to 12500 Megabit",
        ),
        Family(
            "m6g",
            "General purpose",
            "AWS Graviton2 Processor",
            "2.5 GHz",
            4,
            0.01925,
            True,
            arm=True,
            sp_compute_ratio=0.70,
        ),
        Family(
            "c6g",
            "Compute optimized",
            "AWS Graviton2 Processor",
            "2.5 GHz",
            2,
            0.017,
            True,
            arm=True,
            sp_compute_ratio=0.70,
        ),
        Family(
            "r6g",
            "Memory optimized",
            "AWS Graviton2 Processor",
            "2.5 GHz",
            8,
            0.0252,
            True,
            arm=True,
            sp_compute_ratio=0.70,
        ),
        Family(
            "m7g",
            "General purpose",
            "AWS Graviton3 Processor",
            "2.6 GHz",
            4,
            0.0204,
            True,
            arm=True,
            network="Up to 12500 Megabit",
            sp_compute_ratio=0.71,
        ),
        Family(
            "t3",
            "General purpose",
            "Intel Skylake E5 2686 v5",
            "3.1 GHz",
            2,
            0.0208,
            True,
            network="Up to 5 Gigabit",
            sp_compute_ratio=0.74,
        ),
        Family(
            "i3",
            "Storage optimized",
            "Intel Xeon E5-2686 v4 (Broadwell)",
            "2.3 GHz",
            7.625,
            0.039,
            True,
            sp_compute_ratio=0.72,
        ),
        Family(
            "g5",
            "GPU instance",
            "AMD EPYC 7R32",
            "3.3 GHz",
            4,
            0.12575,
            True,
            gpu=1,
            gpu_memory="24 GiB",
            network="Up to 10 Gigabit",
            sp_compute_ratio=0.78,
        ),
        # previous generation
        Family(
            "m4",
            "General purpose",
            "Intel Xeon E5-2686 v4 (Broadwell)",
            "2.3 GHz",
            4,
            0.025,
            False,
            network="Moderate",
            sp_compute_ratio=0.75,
        ),
        Family(
            "c4",
            "Compute optimized",
            "Intel Xeon E5-2666 v3 (Haswell)",
            "2.9 GHz",
            1.875,
            0.025,
            False,
            network="Moderate",
            sp_compute_ratio=0.76,
        ),
        Family(
            "r4",
            "Memory optimized",
            "Intel Xeon E5-2686 v4 (Broadwell)",
            "2.3 GHz",
            7.625,
            0.03325,
            False,
            network="Up to 10 Gigabit",
            sp_compute_ratio=0.75,
        ),
    )
}

# Current-generation equivalents of previous-generation families (what a migration moves to).
CURRENT_GENERATION_EQUIVALENT: dict[str, str] = {"m4": "m5", "c4": "c5", "r4": "r5"}

SIZE_FACTORS: dict[str, float] = {
    "nano": 0.25,
    "micro": 0.5,
    "small": 1.0,
    "medium": 2.0,
    "large": 4.0,
    "xlarge": 8.0,
}

WINDOWS_LICENSE_PER_VCPU_HOUR = 0.046

# RDS: USD per normalization-factor unit-hour (Single-AZ) by family and engine, us-east-1.
RDS_UNIT_PRICE: dict[tuple[str, str], float] = {
    ("r6g", "PostgreSQL"): 0.05625,
    ("r5", "MySQL"): 0.0625,
    ("m5", "MySQL"): 0.04275,
    ("r4", "MySQL"): 0.06,
    ("t3", "PostgreSQL"): 0.036,
}
RDS_ENGINE_CODE: dict[str, str] = {"MySQL": "2", "PostgreSQL": "14"}

# ElastiCache: USD per node-hour by node type (Redis), us-east-1.
CACHE_NODE_PRICE: dict[str, float] = {
    "cache.r6g.large": 0.206,
    "cache.r6g.xlarge": 0.411,
    "cache.m6g.large": 0.149,
    "cache.r5.large": 0.216,
    "cache.t3.medium": 0.068,
}

# Reserved instance effective rate / on-demand rate, by (term years, payment option).
RI_EFFECTIVE_RATIO: dict[tuple[int, str], float] = {
    (1, "No Upfront"): 0.62,
    (1, "Partial Upfront"): 0.59,
    (1, "All Upfront"): 0.58,
    (3, "No Upfront"): 0.45,
    (3, "Partial Upfront"): 0.40,
    (3, "All Upfront"): 0.38,
}
RI_UPFRONT_SHARE: dict[str, float] = {"No Upfront": 0.0, "Partial Upfront": 0.5, "All Upfront": 1.0}
# Payment option multipliers on Savings Plan rates (relative to No Upfront) and 3-year factor.
SP_PAYMENT_FACTOR: dict[str, float] = {"No Upfront": 1.0, "Partial Upfront": 0.985, "All Upfront": 0.97}
SP_THREE_YEAR_FACTOR = 0.72

EBS_PRICE: dict[str, float] = {"gp2": 0.10, "gp3": 0.08, "io1": 0.125, "st1": 0.045}
EBS_GP3_IOPS_PRICE = 0.005  # per provisioned IOPS-month above 3000
EBS_GP3_THROUGHPUT_PRICE = 0.04  # per MiBps-month above 125
EBS_SNAPSHOT_PRICE = 0.05
S3_PRICE: dict[str, float] = {"STANDARD": 0.023, "STANDARD_IA": 0.0125, "GLACIER_IR": 0.004}
S3_REQUEST_TIER1 = 0.005 / 1000
S3_REQUEST_TIER2 = 0.0004 / 1000
NAT_HOUR_PRICE = 0.045
NAT_GB_PRICE = 0.045
DT_OUT_PRICE = 0.09
DT_REGIONAL_PRICE = 0.01
DT_INTER_REGION_PRICE = 0.02
LAMBDA_GB_SECOND = 0.0000166667
LAMBDA_GB_SECOND_ARM = 0.0000133334
LAMBDA_REQUEST = 0.20 / 1_000_000
ALB_HOUR = 0.0225
ALB_LCU_HOUR = 0.008
CW_METRIC_MONTH = 0.30
CW_LOGS_INGEST_GB = 0.50
CW_LOGS_STORAGE_GB_MONTH = 0.03
KMS_KEY_MONTH = 1.0
KMS_REQUEST = 0.03 / 10_000
ROUTE53_ZONE_MONTH = 0.50
ROUTE53_QUERY = 0.40 / 1_000_000
RDS_GP2_GB_MONTH = 0.115


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


def ec2_product(instance_type: str, region: str, operating_system: str, usage_type: str, operation: str) -> dict:
    family_name, size = split_instance_type(instance_type)
    fam = FAMILIES[family_name]
    attrs = {
        "product_name": "Amazon Elastic Compute Cloud",
        "servicecode": "AmazonEC2",
        "servicename": "Amazon Elastic Compute Cloud",
        "product_family": "Compute Instance",
        "instance_type": instance_type,
        "instance_type_family": family_name,
        "instance_family": fam.category,
        "vcpu": str(vcpus(instance_type)),
        "memory": f"{memory_gib(instance_type):g} GiB",
        "physical_processor": fam.processor,
        "clock_speed": fam.clock_speed,
        "processor_architecture": "64-bit",
        "network_performance": fam.network,
        "storage": "EBS only" if family_name not in ("i3",) else "1 x 475 NVMe SSD",
        "current_generation": "Yes" if fam.current_generation else "No",
        "operating_system": operating_system,
        "tenancy": "Shared",
        "license_model": "License Included" if operating_system == "Windows" else "No License required",
        "pre_installed_sw": "NA",
        "capacitystatus": "Used",
        "normalization_size_factor": f"{size_factor(size):g}",
        "ecu": "NA",
        "enhanced_networking_supported": "Yes",
        "processor_features": "Intel AVX; Intel AVX2; Intel AVX512; Intel Turbo"
        if not fam.arm and "AMD" not in fam.processor
        else "",
        "dedicated_ebs_throughput": "Up to 4750 Megabps" if fam.current_generation else "Up to 1000 Megabps",
        "location": location(region),
        "location_type": "AWS Region",
        "region": region,
        "region_code": region,
        "usagetype": usage_type,
        "operation": operation,
    }
    if fam.gpu:
        attrs["gpu"] = str(fam.gpu)
        attrs["gpu_memory"] = fam.gpu_memory
    attrs["sku"] = stable_code("ec2", instance_type, region, operating_system, usage_type)
    return attrs


def rds_product(instance_type: str, region: str, engine: str, multi_az: bool, usage_type: str, operation: str) -> dict:
    family_name, size = split_instance_type(instance_type)
    fam = FAMILIES[family_name]
    attrs = {
        "product_name": "Amazon Relational Database Service",
        "servicecode": "AmazonRDS",
        "servicename": "Amazon Relational Database Service",
        "product_family": "Database Instance",
        "instance_type": instance_type,
        "instance_type_family": family_name,
        "instance_family": fam.category,
        "vcpu": str(vcpus(instance_type)),
        "memory": f"{memory_gib(instance_type):g} GiB",
        "physical_processor": fam.processor,
        "clock_speed": fam.clock_speed,
        "processor_architecture": "64-bit",
        "network_performance": fam.network,
        "current_generation": "Yes" if fam.current_generation else "No",
        "database_engine": engine,
        "engine_code": RDS_ENGINE_CODE[engine],
        "deployment_option": "Multi-AZ" if multi_az else "Single-AZ",
        "license_model": "No license required",
        "normalization_size_factor": f"{size_factor(size):g}",
        "location": location(region),
        "location_type": "AWS Region",
        "region": region,
        "region_code": region,
        "usagetype": usage_type,
        "operation": operation,
    }
    attrs["sku"] = stable_code("rds", instance_type, region, engine, multi_az)
    return attrs


def cache_product(node_type: str, region: str, usage_type: str) -> dict:
    family_name, size = split_instance_type(node_type)
    fam = FAMILIES[family_name]
    attrs = {
        "product_name": "Amazon ElastiCache",
        "servicecode": "AmazonElastiCache",
        "servicename": "Amazon ElastiCache",
        "product_family": "Cache Instance",
        "instance_type": node_type,
        "instance_type_family": family_name,
        "instance_family": fam.category,
        "vcpu": str(vcpus(node_type)),
        "memory": f"{memory_gib(node_type):g} GiB",
        "network_performance": fam.network,
        "current_generation": "Yes",
        "cache_engine": "Redis",
        "normalization_size_factor": f"{size_factor(size):g}",
        "location": location(region),
        "location_type": "AWS Region",
        "region": region,
        "region_code": region,
        "usagetype": usage_type,
        "operation": "CreateCacheCluster:0002",
    }
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
