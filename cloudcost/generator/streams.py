"""Everything that is not an instance hour: storage, network, serverless, monitoring, Marketplace.

Each *stream* is one resource (a bucket, a volume, a NAT gateway, a function) or one account-level charge
(data transfer out of a region, CloudWatch metrics) with a daily quantity that grows, follows the week and
wanders a little. Counts of resources grow with the company's scale; NAT gateways follow the network
layout (one per availability zone in use), and two in the sandbox and staging accounts sit idle. What
the company runs is in ``data/streams.yml``; the functions below place it, in a fixed order (the random
draws follow it).
"""

from __future__ import annotations

import numpy as np

from . import catalog
from .company import A_PAYER, COMPANY, MARKETPLACE_PRODUCT, MARKETPLACE_SELLER, Company, Fleet
from .lines import hex_ids
from .stream_specs import StreamBuilder

# one EBS volume of an always-on instance: (fleet, instance number, volume type, size in GB, tag set)
Volume = tuple[Fleet, int, str, float, int]


def build_streams(company: Company) -> None:
    b = StreamBuilder(company)
    volumes = _volumes(b)
    _attach_volumes(b, volumes)
    _unattached_volumes(b)
    company.scenarios["idle_nat_gateways"] = _nat_gateways(b)
    _data_transfer(b)
    _buckets(b)
    _functions(b)
    _balancers(b)
    _clusters(b)
    _monitoring(b)
    for name in b.data["payer_templates"]:
        b.emit(name, A_PAYER, "us-east-1")
    _database_storage(b)
    product_code = _marketplace(b)
    company.scenarios["gp2_volumes"] = sum(1 for v in volumes if v[2] == "gp2")
    company.scenarios["marketplace_product_code"] = product_code


def _volumes(b: StreamBuilder) -> list[Volume]:
    """One EBS volume per always-on EC2 instance (spot fleets have none)."""
    ebs = b.data["ebs"]
    volumes: list[Volume] = []
    for fleet in b.company.fleets:
        if fleet.service != "AmazonEC2" or fleet.spot:
            continue
        count = b.count(fleet.floor) if fleet.floor_scales else max(1, int(fleet.floor))
        gp2 = fleet.family in ebs["gp2_families"] or fleet.host_type in ebs["gp2_host_types"]
        size = ebs["volume_gb"].get(fleet.host_type, ebs["default_volume_gb"])
        tags = b.company.fleet_tag_set(fleet) if fleet.tagging == "tags" else 0
        for i in range(count):
            volumes.append((fleet, i, "gp2" if gp2 else "gp3", size * b.jitter(*ebs["size_draw"]), tags))
    return volumes


def _attach_volumes(b: StreamBuilder, volumes: list[Volume]) -> None:
    ebs = b.data["ebs"]
    seeds = np.arange(len(volumes), dtype=np.uint64) * np.uint64(2654435761) + np.uint64(b.company.seed)
    for (fleet, i, volume_type, size, tags), vol_id in zip(volumes, hex_ids("vol-", seeds).to_pylist(), strict=True):
        price = round(catalog.EBS_PRICE[volume_type] * catalog.REGIONS[fleet.region].price_multiplier, 4)
        fields = {
            "volume_type": volume_type,
            "volume_title": volume_type.capitalize(),
            "max_throughput": ebs["max_throughput"][volume_type],
        }
        b.emit(
            "ebs_volume",
            fleet.account,
            fleet.region,
            rate=price,
            quantity=round(size),
            fields=fields,
            resource=vol_id,
            tags=tags,
            az=fleet.azs[i % len(fleet.azs)],
            start_hour=fleet.start_hour,
            end_hour=fleet.end_hour,
            host_type=fleet.host_type,
        )
        if volume_type == "gp3" and fleet.host_type in ebs["iops_host_types"] and i % 3 == 0:
            b.emit("ebs_iops", fleet.account, fleet.region, fields=fields, resource=vol_id, tags=tags, az=fleet.azs[0])


def _unattached_volumes(b: StreamBuilder) -> None:
    """Forgotten volumes in the sandbox, then a snapshot store per account."""
    ebs = b.data["ebs"]
    for _ in range(b.count(ebs["unattached_volumes"])):
        b.emit("ebs_unattached", b.account(ebs["unattached_account"]), "us-east-1", resource=f"vol-0{b.hex_id()}")
    accounts = ebs["snapshot_accounts"]
    for name in accounts[: ebs["small_snapshot_accounts"]] if b.small else accounts:
        b.emit("ebs_snapshot", b.account(name), "us-east-1")


def _nat_gateways(b: StreamBuilder) -> list[str]:
    """NAT gateways, one per availability zone in use; returns the idle ones' ids."""
    idle: list[str] = []
    for spec in b.data["nat_gateways"]:
        region_code, role = spec["region"], spec.get("role")
        account = b.account(spec["account"])
        azs = catalog.REGIONS[region_code].azs
        for i in range(1 if b.small else spec["count"]):
            nat = f"arn:aws:ec2:{region_code}:{b.account_id(spec['account'])}:natgateway/nat-0{b.hex_id()}"
            b.emit("nat_hours", account, region_code, resource=nat, az=azs[i % len(azs)])
            quantity = b.data["idle_nat_gb"] if role == "idle" else None
            driver = "payments" if role == "payments" else None
            b.emit(
                "nat_bytes", account, region_code, quantity=quantity, resource=nat, az=azs[i % len(azs)], driver=driver
            )
            if role == "idle":
                idle.append(nat)
    return idle


def _data_transfer(b: StreamBuilder) -> None:
    multipliers = b.data["transfer_out_price_multiplier"]
    for spec in b.data["traffic"]:
        region_code, account = spec["region"], b.account(spec["account"])
        rate = round(catalog.PRICES["dt_out"] * multipliers.get(region_code, 1.0), 4)
        b.emit("transfer_out", account, region_code, rate=rate, base=spec["out_gb"], driver=spec.get("driver"))
        b.emit("transfer_regional", account, region_code, base=spec["out_gb"])
    for spec in b.data["inter_region_traffic"]:
        source, target = spec["region"], spec["target"]
        fields = {
            "source_short": catalog.REGION_SHORT[source],
            "target_short": catalog.REGION_SHORT[target],
            "target": target,
            "target_name": catalog.location(target),
        }
        b.emit("transfer_inter_region", b.account(spec["account"]), source, base=spec["gb"], fields=fields)
    b.emit("transfer_free_tier", b.account(b.data["transfer_free_tier_account"]), "us-east-1")


def _buckets(b: StreamBuilder) -> None:
    d = b.data
    for spec in d["buckets"]:
        purposes = spec["purposes"][:1] if b.small else spec["purposes"]
        region_code, account, team = spec["region"], b.account(spec["account"]), spec["team"]
        copies = b.count(1)
        for purpose in purposes:
            for copy in range(copies):
                bucket = f"{COMPANY}-{purpose}-{region_code}{f'-{copy}' if copy else ''}"
                tags = b.company.tag_set(None, team, "tags") if team and purpose not in d["untagged_buckets"] else 0
                storage_class = "STANDARD_IA" if purpose in d["infrequent_access_buckets"] else "STANDARD"
                fields = {f"class_{key}": value for key, value in d["storage_classes"][storage_class].items()}
                growth = d["bucket_growth"]["datalake" if purpose.startswith("datalake") else "default"]
                rate = catalog.S3_PRICE[storage_class]
                size = spec["total_gb"] / len(purposes)
                b.emit(
                    "bucket_storage",
                    account,
                    region_code,
                    rate=rate,
                    base=size,
                    fields=fields,
                    resource=bucket,
                    tags=tags,
                    growth_per_month=growth,
                )
                for name in ("bucket_put", "bucket_get"):
                    b.emit(name, account, region_code, resource=bucket, tags=tags)


def _functions(b: StreamBuilder) -> None:
    d = b.data
    for spec in d["functions"][: d["functions_small"]] if b.small else d["functions"]:
        account = b.account(spec["account"])
        region_code = d["function_regions"].get(spec["account"], "us-east-1")
        for copy in range(b.count(1)):
            name = spec["name"] if copy == 0 else f"{spec['name']}-{copy}"
            arn = f"arn:aws:lambda:{region_code}:{b.account_id(spec['account'])}:function:{name}"
            tags = b.company.tag_set(None, spec["team"], "tags")
            fields = {"arm": "-ARM" if spec["arm"] else ""}
            rate = catalog.PRICES["lambda_gb_second_arm" if spec["arm"] else "lambda_gb_second"]
            stream = {"base": spec["invocations"], "fields": fields, "resource": arn, "tags": tags}
            b.emit("lambda_duration", account, region_code, rate=rate, driver=spec.get("driver"), **stream)
            b.emit("lambda_requests", account, region_code, driver=spec.get("driver"), **stream)
    free_tier = b.account(d["free_tier_account"])
    b.emit("lambda_free_duration", free_tier, "us-east-1")
    b.emit("lambda_free_requests", free_tier, "us-east-1")


def _balancers(b: StreamBuilder) -> None:
    for spec in b.data["balancers"]:
        host, region_code, account = spec["host_type"], spec["region"], b.account(spec["account"])
        tags = b.company.tag_set(host, b.company.host_type(host).team, "tags")
        for i in range(b.count(spec["count"])):
            arn = (
                f"arn:aws:elasticloadbalancing:{region_code}:{b.account_id(spec['account'])}:loadbalancer/app/"
                f"{host}-{i}/{b.hex_id()}"
            )
            b.emit("balancer_hours", account, region_code, resource=arn, tags=tags)
            b.emit("balancer_capacity", account, region_code, resource=arn, tags=tags)


def _clusters(b: StreamBuilder) -> None:
    d = b.data
    host = d["eks_host_type"]
    for cluster in d["eks_clusters"]:
        arn = f"arn:aws:eks:us-east-1:{b.account_id(d['eks_account'])}:cluster/{cluster}"
        tags = b.company.tag_set(host, b.company.host_type(host).team, "tags")
        b.emit("eks_cluster", b.account(d["eks_account"]), "us-east-1", resource=arn, tags=tags)


def _monitoring(b: StreamBuilder) -> None:
    """CloudWatch metrics and logs and KMS keys in every account, weighted by how busy the account is."""
    d = b.data
    accounts = range(len(b.company.accounts))
    weights = {b.account(name): weight for name, weight in d["monitoring_weights"].items()}
    for account in accounts[: d["monitoring_small"]] if b.small else accounts:
        for name in d["monitoring_templates"]:
            b.emit(name, account, "us-east-1", weight=weights.get(account, 1))


def _database_storage(b: StreamBuilder) -> None:
    d = b.data
    for fleet in b.company.fleets:
        if fleet.service != "AmazonRDS":
            continue
        fields = {
            "multi_az_prefix": "Multi-AZ-" if fleet.multi_az else "",
            "engine_code": f"{int(catalog.RDS_ENGINE_CODE[fleet.platform]):04d}",
            "engine": fleet.platform,
            "deployment": "Multi-AZ" if fleet.multi_az else "Single-AZ",
        }
        multiplier = catalog.REGIONS[fleet.region].price_multiplier
        price = round(catalog.PRICES["rds_gp2_gb_month"] * (2 if fleet.multi_az else 1) * multiplier, 4)
        account_id = b.company.accounts[fleet.account].account_id
        for i in range(b.count(fleet.floor)):
            b.emit(
                "database_storage",
                fleet.account,
                fleet.region,
                rate=price,
                quantity=d["database_gb"].get(fleet.host_type, d["default_database_gb"]),
                fields=fields,
                resource=f"arn:aws:rds:{fleet.region}:{account_id}:db:{fleet.host_type}-prod-{i}",
                tags=b.company.fleet_tag_set(fleet),
                start_hour=fleet.start_hour,
                end_hour=fleet.end_hour,
            )


def _marketplace(b: StreamBuilder) -> str:
    """A metered Marketplace product (its own billing entity and seller); returns its product code."""
    m = b.data["marketplace"]
    code = catalog.stable_code(
        "marketplace", b.company.seed, length=25, alphabet="abcdefghijklmnopqrstuvwxyz0123456789"
    )
    product = {
        "product_name": MARKETPLACE_PRODUCT,
        "sku": catalog.stable_code("mp-sku", code),
        "usagetype": m["unit"],
        "operation": "",
        "product_family": "",
        "region": "us-east-1",
    }
    description = f"{MARKETPLACE_PRODUCT} - ${m['price']} per host per hour"
    head = ("hours", b.account(m["account"]), code, m["unit"], "", product, m["unit"], m["price"], m["price"])
    quantity = b.quantity(m, None, None)
    b.add(*head, description, "", 0, quantity, legal_entity=MARKETPLACE_SELLER, **m["options"])
    return code
