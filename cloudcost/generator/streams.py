"""Everything that is not an instance hour: storage, network, serverless, monitoring, Marketplace.

Each *stream* is one resource (a bucket, a volume, a NAT gateway, a function) or one account-level charge
(data transfer out of a region, CloudWatch metrics) with a daily quantity that grows, follows the week and
wanders a little. Counts of resources grow with the company's scale; NAT gateways follow the network
layout (one per availability zone in use), and two in the sandbox and staging accounts sit idle.
"""

from __future__ import annotations

import numpy as np

from . import catalog
from .company import (
    A_COM,
    A_DATA,
    A_GROWTH,
    A_ID,
    A_ML,
    A_PAY,
    A_PAYER,
    A_PLAT,
    A_SANDBOX,
    MARKETPLACE_PRODUCT,
    MARKETPLACE_SELLER,
    Company,
    SimpleStream,
)
from .lines import hex_ids

SMALL_SCALE = 0.25


def _count(value: float, scale: float) -> int:
    return max(1, int(round(value * scale)))


def build_streams(company: Company) -> None:
    rng = np.random.default_rng([company.seed, 17])
    s = company.scale
    streams = company.streams
    accounts = company.accounts
    window = company.window

    def add(
        kind: str,
        account: int,
        service: str,
        usage_type: str,
        operation: str,
        product: dict,
        unit: str,
        rate: float,
        description: str,
        quantity: float,
        *,
        resource: str = "",
        tags: int = 0,
        public_rate: float | None = None,
        **kw,
    ) -> SimpleStream:
        stream = SimpleStream(
            len(streams),
            kind,
            account,
            service,
            usage_type,
            operation,
            product,
            unit,
            rate,
            rate if public_rate is None else public_rate,
            description,
            resource,
            tags,
            quantity,
            **kw,
        )
        streams.append(stream)
        return stream

    def jitter(low: float = 0.7, high: float = 1.3) -> float:
        return float(rng.uniform(low, high))

    # a very small company (tests, tiny --rows) keeps one resource of each kind instead of the full estate
    small = s < SMALL_SCALE

    # ---------------------------------------------------------------- EBS volumes (per always-on instance)
    volume_keys = []
    for fleet in company.fleets:
        if fleet.service != "AmazonEC2" or fleet.spot:
            continue
        count = _count(fleet.floor, s) if fleet.floor_scales else max(1, int(fleet.floor))
        volume_type = "gp2" if fleet.family in ("m4", "c4", "r4", "m5", "c5", "i3", "t3") else "gp3"
        if fleet.host_type in ("checkout-web", "growth-web"):
            volume_type = "gp2"
        size = {"kafka-broker": 2000, "search-indexer": 500, "monitoring": 1000, "airflow": 200}.get(
            fleet.host_type, 100
        )
        tags = company.fleet_tag_set(fleet) if fleet.tagging == "tags" else 0
        for i in range(count):
            volume_keys.append((fleet, i, volume_type, size * jitter(0.8, 1.25), tags))
    ids = hex_ids(
        "vol-", np.arange(len(volume_keys), dtype=np.uint64) * np.uint64(2654435761) + np.uint64(company.seed)
    ).to_pylist()
    for (fleet, i, volume_type, size, tags), vol_id in zip(volume_keys, ids, strict=True):
        region = catalog.REGIONS[fleet.region]
        usage_type = f"{region.prefix}EBS:VolumeUsage.{volume_type}"
        operation = f"CreateVolume-{volume_type.capitalize()}"
        product = catalog.simple_product(
            "AmazonEC2",
            "Amazon Elastic Compute Cloud",
            "Storage",
            fleet.region,
            usage_type,
            operation,
            volume_api_name=volume_type,
            volume_type="General Purpose",
            storage_media="SSD-backed",
            max_iopsvolume="16000",
            max_throughputvolume="1000 MiB/s" if volume_type == "gp3" else "250 MiB/s",
        )
        price = round(catalog.EBS_PRICE[volume_type] * region.price_multiplier, 4)
        add(
            "gbmo",
            fleet.account,
            "AmazonEC2",
            usage_type,
            operation,
            product,
            "GB-Mo",
            price,
            f"${price} per GB-month of General Purpose SSD ({volume_type}) provisioned storage - {region.name}",
            round(size),
            resource=vol_id,
            tags=tags,
            az=fleet.azs[i % len(fleet.azs)],
            noise=0.0,
            start_hour=fleet.start_hour,
            end_hour=fleet.end_hour,
            host_type=fleet.host_type,
        )
        if volume_type == "gp3" and fleet.host_type in ("k8s-node", "payments-api") and i % 3 == 0:
            usage_type = f"{region.prefix}EBS:VolumeP-IOPS.gp3"
            product = catalog.simple_product(
                "AmazonEC2",
                "Amazon Elastic Compute Cloud",
                "System Operation",
                fleet.region,
                usage_type,
                operation,
                volume_api_name="gp3",
                group="EBS IOPS",
            )
            add(
                "gbmo",
                fleet.account,
                "AmazonEC2",
                usage_type,
                operation,
                product,
                "IOPS-Mo",
                catalog.PRICES["ebs_gp3_iops"],
                f"$0.005 per IOPS-month provisioned above 3000 - {region.name}",
                3000,
                resource=vol_id,
                tags=tags,
                az=fleet.azs[0],
                noise=0.0,
            )
    # unattached, forgotten volumes in the sandbox
    for _ in range(_count(6, s)):
        usage_type = "EBS:VolumeUsage.gp2"
        product = catalog.simple_product(
            "AmazonEC2",
            "Amazon Elastic Compute Cloud",
            "Storage",
            "us-east-1",
            usage_type,
            "CreateVolume-Gp2",
            volume_api_name="gp2",
            volume_type="General Purpose",
            storage_media="SSD-backed",
        )
        add(
            "gbmo",
            A_SANDBOX,
            "AmazonEC2",
            usage_type,
            "CreateVolume-Gp2",
            product,
            "GB-Mo",
            0.10,
            "$0.10 per GB-month of General Purpose SSD (gp2) provisioned storage - US East (Northern Virginia)",
            500,
            resource=f"vol-0{int(rng.integers(16**14, 16**15)):016x}",
            az="us-east-1a",
            noise=0.0,
        )
    # snapshots per account
    for account in (A_PAY, A_COM) if small else (A_PAY, A_COM, A_DATA, A_PLAT, A_ID):
        usage_type = "EBS:SnapshotUsage"
        product = catalog.simple_product(
            "AmazonEC2",
            "Amazon Elastic Compute Cloud",
            "Storage Snapshot",
            "us-east-1",
            usage_type,
            "CreateSnapshot",
            storage_media="Amazon S3",
        )
        add(
            "gbmo",
            account,
            "AmazonEC2",
            usage_type,
            "CreateSnapshot",
            product,
            "GB-Mo",
            catalog.PRICES["ebs_snapshot"],
            "$0.05 per GB-Month of snapshot data stored - US East (Northern Virginia)",
            4000 * s * jitter(),
            growth_per_month=0.04,
            noise=0.003,
        )

    # ---------------------------------------------------------------- NAT gateways
    nat_layout = [
        (A_PAY, "us-east-1", 3, "payments"),
        (A_COM, "us-east-1", 3, None),
        (A_DATA, "us-east-1", 2, None),
        (A_ML, "us-east-1", 1, None),
        (A_ML, "us-west-2", 1, None),
        (A_PLAT, "us-east-1", 3, None),
        (A_PLAT, "us-west-2", 2, None),
        (A_ID, "eu-west-1", 3, None),
        (A_GROWTH, "us-east-1", 2, None),
        (A_GROWTH, "ap-southeast-1", 1, None),
        (A_SANDBOX, "us-east-1", 2, "idle"),
        (A_PLAT, "eu-west-1", 1, "idle"),
    ]
    idle_nats = []
    for account, region_code, count, role in nat_layout:
        if small:
            count = 1
        region = catalog.REGIONS[region_code]
        account_id = accounts[account].account_id
        for i in range(count):
            nat = f"arn:aws:ec2:{region_code}:{account_id}:natgateway/nat-0{int(rng.integers(16**14, 16**15)):016x}"
            az = region.azs[i % len(region.azs)]
            hours_type = f"{region.prefix}NatGateway-Hours"
            product = catalog.simple_product(
                "AmazonEC2",
                "Amazon Elastic Compute Cloud",
                "NAT Gateway",
                region_code,
                hours_type,
                "NatGateway",
                group="NGW:NatGateway",
            )
            price = round(catalog.PRICES["nat_hour"] * region.price_multiplier, 4)
            add(
                "hours",
                account,
                "AmazonEC2",
                hours_type,
                "NatGateway",
                product,
                "Hrs",
                price,
                f"${price} per NAT Gateway Hour",
                24.0,
                resource=nat,
                az=az,
                noise=0.0,
            )
            bytes_type = f"{region.prefix}NatGateway-Bytes"
            product = catalog.simple_product(
                "AmazonEC2",
                "Amazon Elastic Compute Cloud",
                "NAT Gateway",
                region_code,
                bytes_type,
                "NatGateway",
                group="NGW:NatGateway",
            )
            gigabytes = 0.02 if role == "idle" else 120 * s * jitter()
            add(
                "count",
                account,
                "AmazonEC2",
                bytes_type,
                "NatGateway",
                product,
                "GB",
                price,
                f"${price} per GB Data Processed by NAT Gateways",
                gigabytes,
                resource=nat,
                az=az,
                growth_per_month=0.02,
                weekend_drop=0.2,
                noise=0.08,
                driver="payments" if role == "payments" else None,
            )
            if role == "idle":
                idle_nats.append(nat)
    company.scenarios["idle_nat_gateways"] = idle_nats

    # ---------------------------------------------------------------- data transfer
    traffic = [
        (A_PAY, "us-east-1", 250, "payments"),
        (A_COM, "us-east-1", 600, None),
        (A_DATA, "us-east-1", 80, None),
        (A_ML, "us-west-2", 40, None),
        (A_ID, "eu-west-1", 150, None),
        (A_GROWTH, "us-east-1", 100, None),
        (A_GROWTH, "ap-southeast-1", 30, None),
        (A_PLAT, "us-west-2", 50, None),
    ]
    for account, region_code, out_gb, driver in traffic:
        region = catalog.REGIONS[region_code]
        out_type = f"{region.prefix}DataTransfer-Out-Bytes"
        product = catalog.simple_product(
            "AWSDataTransfer",
            "AWS Data Transfer",
            "Data Transfer",
            region_code,
            out_type,
            "",
            from_location=region.name,
            from_location_type="AWS Region",
            from_region_code=region_code,
            to_location="External",
            to_location_type="Other",
            transfer_type="AWS Outbound",
        )
        product.pop("region_code", None)
        price = round(catalog.PRICES["dt_out"] * (1.3 if region_code == "ap-southeast-1" else 1.0), 4)
        add(
            "count",
            account,
            "AWSDataTransfer",
            out_type,
            "",
            product,
            "GB",
            price,
            f"${price} per GB - first 10 TB / month data transfer out beyond the global free tier",
            out_gb * s * jitter(),
            growth_per_month=0.03,
            weekend_drop=0.15,
            noise=0.06,
            driver=driver,
            private_rate=True,
        )
        regional_type = f"{region.prefix}DataTransfer-Regional-Bytes"
        product = catalog.simple_product(
            "AWSDataTransfer",
            "AWS Data Transfer",
            "Data Transfer",
            region_code,
            regional_type,
            "",
            from_location=region.name,
            from_location_type="AWS Region",
            from_region_code=region_code,
            to_location=region.name,
            to_location_type="AWS Region",
            to_region_code=region_code,
            transfer_type="IntraRegion",
        )
        add(
            "count",
            account,
            "AWSDataTransfer",
            regional_type,
            "",
            product,
            "GB",
            catalog.PRICES["dt_regional"],
            "$0.010 per GB - regional data transfer - in/out/between EC2 AZs or using elastic IPs or ELB",
            out_gb * 2.0 * s * jitter(),
            growth_per_month=0.03,
            weekend_drop=0.15,
            noise=0.06,
        )
    for account, src, dst, gb in (
        (A_DATA, "us-east-1", "us-west-2", 300),
        (A_ID, "eu-west-1", "us-east-1", 100),
        (A_PAY, "us-east-1", "us-west-2", 80),
    ):
        usage_type = f"{catalog.REGION_SHORT[src]}-{catalog.REGION_SHORT[dst]}-AWS-Out-Bytes"
        product = catalog.simple_product(
            "AWSDataTransfer",
            "AWS Data Transfer",
            "Data Transfer",
            src,
            usage_type,
            "",
            from_location=catalog.location(src),
            from_location_type="AWS Region",
            from_region_code=src,
            to_location=catalog.location(dst),
            to_location_type="AWS Region",
            to_region_code=dst,
            transfer_type="InterRegion Outbound",
        )
        add(
            "count",
            account,
            "AWSDataTransfer",
            usage_type,
            "",
            product,
            "GB",
            catalog.PRICES["dt_inter_region"],
            f"$0.02 per GB - {catalog.location(src)} data transfer to {catalog.location(dst)}",
            gb * s * jitter(),
            growth_per_month=0.02,
            noise=0.1,
        )
    # free tier: the first 100 GB out each month, priced at 0
    out_type = "DataTransfer-Out-Bytes"
    product = catalog.simple_product(
        "AWSDataTransfer",
        "AWS Data Transfer",
        "Data Transfer",
        "us-east-1",
        out_type,
        "",
        from_location="US East (N. Virginia)",
        from_location_type="AWS Region",
        from_region_code="us-east-1",
        to_location="External",
        to_location_type="Other",
        transfer_type="AWS Outbound",
    )
    product.pop("region_code", None)
    add(
        "count",
        A_COM,
        "AWSDataTransfer",
        out_type,
        "",
        product,
        "GB",
        0.0,
        "$0.000 per GB - data transfer out under the global monthly free tier",
        100.0,
        public_rate=catalog.PRICES["dt_out"],
        pricing_term="",
        first_day_only=True,
        noise=0.0,
    )

    # ---------------------------------------------------------------- S3 buckets
    bucket_plan = [
        ("payments", A_PAY, "us-east-1", ["ledger-archive", "statements", "audit-logs"], 8000),
        ("checkout", A_COM, "us-east-1", ["assets", "order-exports"], 3000),
        ("search", A_COM, "us-east-1", ["index-snapshots"], 6000),
        ("data-platform", A_DATA, "us-east-1", ["datalake-raw", "datalake-curated", "spark-logs"], 60000),
        ("ml", A_ML, "us-east-1", ["training-data", "model-artifacts"], 20000),
        ("platform", A_PLAT, "us-east-1", ["terraform-state", "ci-cache", "artifacts"], 4000),
        ("identity", A_ID, "eu-west-1", ["session-archive"], 1500),
        ("growth", A_GROWTH, "us-east-1", ["marketing-assets", "reports"], 2500),
        (None, A_PAYER, "us-east-1", ["cloudtrail-logs", "cur-exports"], 3000),
    ]
    for team, account, region_code, purposes, total_gb in bucket_plan:
        if small:
            purposes = purposes[:1]
        region = catalog.REGIONS[region_code]
        copies = _count(1, s)
        for purpose in purposes:
            for copy in range(copies):
                suffix = f"-{copy}" if copy else ""
                bucket = f"acme-{purpose}-{region_code}{suffix}"
                tags = company.tag_set(None, team, "tags") if team and purpose != "spark-logs" else 0
                storage_class = "STANDARD_IA" if purpose in ("audit-logs", "session-archive") else "STANDARD"
                usage_type = f"{region.prefix}TimedStorage-{'SIA-' if storage_class == 'STANDARD_IA' else ''}ByteHrs"
                product = catalog.simple_product(
                    "AmazonS3",
                    "Amazon Simple Storage Service",
                    "Storage",
                    region_code,
                    usage_type,
                    "",
                    storage_class="Infrequent Access" if storage_class == "STANDARD_IA" else "General Purpose",
                    volume_type="Standard - Infrequent Access" if storage_class == "STANDARD_IA" else "Standard",
                    availability="99.9%" if storage_class == "STANDARD_IA" else "99.99%",
                    durability="99.999999999%",
                )
                price = catalog.S3_PRICE[storage_class]
                size = total_gb / len(purposes) * jitter(0.4, 1.6)
                add(
                    "gbmo",
                    account,
                    "AmazonS3",
                    usage_type,
                    "",
                    product,
                    "GB-Mo",
                    price,
                    f"${price} per GB - first 50 TB / month of storage used",
                    size,
                    resource=bucket,
                    tags=tags,
                    growth_per_month=0.05 if purpose.startswith("datalake") else 0.02,
                    noise=0.002,
                )
                for tier, op, per_day, req_price in (
                    ("Tier1", "PutObject", 400_000, catalog.PRICES["s3_request_tier1"]),
                    ("Tier2", "GetObject", 3_000_000, catalog.PRICES["s3_request_tier2"]),
                ):
                    usage_type = f"{region.prefix}Requests-{tier}"
                    product = catalog.simple_product(
                        "AmazonS3",
                        "Amazon Simple Storage Service",
                        "API Request",
                        region_code,
                        usage_type,
                        op,
                        group=f"S3-API-{tier}",
                    )
                    add(
                        "count",
                        account,
                        "AmazonS3",
                        usage_type,
                        op,
                        product,
                        "Requests",
                        req_price,
                        f"${req_price * 1000:.4f} per 1,000 {op.replace('Object', '')} requests",
                        per_day * jitter(0.2, 2.0),
                        resource=bucket,
                        tags=tags,
                        weekend_drop=0.25,
                        noise=0.1,
                    )

    # ---------------------------------------------------------------- Lambda
    functions = [
        ("payments", A_PAY, "payments-webhooks", True, 1_500_000),
        ("payments", A_PAY, "refund-notifier", False, 80_000),
        ("checkout", A_COM, "cart-abandonment", True, 300_000),
        ("data-platform", A_DATA, "s3-partitioner", False, 900_000),
        ("platform", A_PLAT, "slack-alerts", True, 20_000),
        ("identity", A_ID, "token-revoker", True, 600_000),
        ("growth", A_GROWTH, "email-renderer", False, 250_000),
    ]
    for team, account, name, arm, invocations in functions[:3] if small else functions:
        region_code = "eu-west-1" if account == A_ID else "us-east-1"
        region = catalog.REGIONS[region_code]
        for copy in range(_count(1, s)):
            fname = name if copy == 0 else f"{name}-{copy}"
            arn = f"arn:aws:lambda:{region_code}:{accounts[account].account_id}:function:{fname}"
            tags = company.tag_set(None, team, "tags")
            gbs_type = f"{region.prefix.replace('EU-', 'EU-')}Lambda-GB-Second{'-ARM' if arm else ''}"
            gbs_price = catalog.PRICES["lambda_gb_second_arm"] if arm else catalog.PRICES["lambda_gb_second"]
            product = catalog.simple_product(
                "AWSLambda", "AWS Lambda", "Serverless", region_code, gbs_type, "Invoke", group="AWS-Lambda-Duration"
            )
            add(
                "count",
                account,
                "AWSLambda",
                gbs_type,
                "Invoke",
                product,
                "Lambda-GB-Second",
                gbs_price,
                f"AWS Lambda - Total Compute - {region.name}",
                invocations * 0.4 * jitter(),
                resource=arn,
                tags=tags,
                growth_per_month=0.03,
                weekend_drop=0.2,
                noise=0.08,
                driver="payments" if account == A_PAY else None,
            )
            req_type = f"{region.prefix}Request{'-ARM' if arm else ''}"
            product = catalog.simple_product(
                "AWSLambda", "AWS Lambda", "Serverless", region_code, req_type, "Invoke", group="AWS-Lambda-Requests"
            )
            add(
                "count",
                account,
                "AWSLambda",
                req_type,
                "Invoke",
                product,
                "Requests",
                catalog.PRICES["lambda_request"],
                f"AWS Lambda - Total Requests - {region.name}",
                invocations * jitter(),
                resource=arn,
                tags=tags,
                growth_per_month=0.03,
                weekend_drop=0.2,
                noise=0.08,
                driver="payments" if account == A_PAY else None,
            )
    # free tier (monthly allowance, priced at 0)
    product = catalog.simple_product(
        "AWSLambda", "AWS Lambda", "Serverless", "us-east-1", "Lambda-GB-Second", "Invoke", group="AWS-Lambda-Duration"
    )
    add(
        "count",
        A_PAY,
        "AWSLambda",
        "Lambda-GB-Second",
        "Invoke",
        product,
        "Lambda-GB-Second",
        0.0,
        "AWS Lambda - Compute Free Tier - 400,000 GB-Seconds - US East (Northern Virginia)",
        400_000,
        public_rate=catalog.PRICES["lambda_gb_second"],
        pricing_term="",
        first_day_only=True,
        noise=0.0,
    )
    product = catalog.simple_product(
        "AWSLambda", "AWS Lambda", "Serverless", "us-east-1", "Request", "Invoke", group="AWS-Lambda-Requests"
    )
    add(
        "count",
        A_PAY,
        "AWSLambda",
        "Request",
        "Invoke",
        product,
        "Requests",
        0.0,
        "AWS Lambda - Request Free Tier - 1,000,000 Requests - US East (Northern Virginia)",
        1_000_000,
        public_rate=catalog.PRICES["lambda_request"],
        pricing_term="",
        first_day_only=True,
        noise=0.0,
    )

    # ---------------------------------------------------------------- load balancers
    balancers = [
        ("checkout-web", A_COM, "us-east-1", 3),
        ("payments-api", A_PAY, "us-east-1", 2),
        ("identity-api", A_ID, "eu-west-1", 2),
        ("growth-web", A_GROWTH, "us-east-1", 1),
        ("search-query", A_COM, "us-east-1", 1),
        ("k8s-node", A_PLAT, "us-east-1", 2),
    ]
    for host, account, region_code, count in balancers:
        region = catalog.REGIONS[region_code]
        team = company.host_type(host).team
        tags = company.tag_set(host, team, "tags")
        for i in range(_count(count, s)):
            arn = (
                f"arn:aws:elasticloadbalancing:{region_code}:{accounts[account].account_id}:loadbalancer/app/"
                f"{host}-{i}/{int(rng.integers(16**14, 16**15)):016x}"
            )
            hours_type = f"{region.prefix}LoadBalancerUsage"
            product = catalog.simple_product(
                "AWSELB",
                "Elastic Load Balancing",
                "Load Balancer-Application",
                region_code,
                hours_type,
                "LoadBalancing:Application",
            )
            price = round(catalog.PRICES["alb_hour"] * region.price_multiplier, 4)
            add(
                "hours",
                account,
                "AWSELB",
                hours_type,
                "LoadBalancing:Application",
                product,
                "Hrs",
                price,
                f"${price} per Application LoadBalancer-hour (or partial hour)",
                24.0,
                resource=arn,
                tags=tags,
                noise=0.0,
            )
            lcu_type = f"{region.prefix}LCUUsage"
            product = catalog.simple_product(
                "AWSELB",
                "Elastic Load Balancing",
                "Load Balancer-Application",
                region_code,
                lcu_type,
                "LoadBalancing:Application",
            )
            add(
                "count",
                account,
                "AWSELB",
                lcu_type,
                "LoadBalancing:Application",
                product,
                "LCU-Hrs",
                catalog.PRICES["alb_lcu_hour"],
                f"${catalog.PRICES['alb_lcu_hour']} per used Application load balancer capacity unit-hour"
                " (or partial hour)",
                24 * 6 * jitter(),
                resource=arn,
                tags=tags,
                growth_per_month=0.02,
                weekend_drop=0.15,
                noise=0.08,
            )

    # ---------------------------------------------------------------- EKS, CloudWatch, KMS, Route 53, CloudTrail
    for cluster in ("prod-core", "staging-core"):
        arn = f"arn:aws:eks:us-east-1:{accounts[A_PLAT].account_id}:cluster/{cluster}"
        product = catalog.simple_product(
            "AmazonEKS",
            "Amazon Elastic Container Service for Kubernetes",
            "Compute",
            "us-east-1",
            "USE1-AmazonEKS-Hours:perCluster",
            "CreateOperation",
        )
        add(
            "hours",
            A_PLAT,
            "AmazonEKS",
            "USE1-AmazonEKS-Hours:perCluster",
            "CreateOperation",
            product,
            "Hours",
            0.10,
            "Amazon EKS cluster usage in US East (N. Virginia)",
            24.0,
            resource=arn,
            tags=company.tag_set("k8s-node", "platform", "tags"),
            noise=0.0,
        )
    for account in (A_PAYER, A_PAY, A_COM) if small else range(len(accounts)):
        weight = {A_PAY: 3, A_COM: 4, A_DATA: 3, A_PLAT: 5, A_ID: 2}.get(account, 1)
        product = catalog.simple_product(
            "AmazonCloudWatch",
            "AmazonCloudWatch",
            "Metric",
            "us-east-1",
            "CW:MetricMonitorUsage",
            "MetricStorage",
            group="Metric",
        )
        add(
            "gbmo",
            account,
            "AmazonCloudWatch",
            "CW:MetricMonitorUsage",
            "MetricStorage",
            product,
            "Metrics",
            catalog.PRICES["cw_metric_month"],
            "$0.30 per metric-month - first 10,000 metrics",
            150 * weight * s * jitter(),
            growth_per_month=0.02,
            noise=0.01,
        )
        product = catalog.simple_product(
            "AmazonCloudWatch",
            "AmazonCloudWatch",
            "Data Payload",
            "us-east-1",
            "DataProcessing-Bytes",
            "PutLogEvents",
            group="Ingested Logs",
        )
        add(
            "count",
            account,
            "AmazonCloudWatch",
            "DataProcessing-Bytes",
            "PutLogEvents",
            product,
            "GB",
            catalog.PRICES["cw_logs_ingest_gb"],
            "$0.50 per GB custom log data ingested",
            4 * weight * s * jitter(),
            growth_per_month=0.02,
            weekend_drop=0.2,
            noise=0.1,
        )
        product = catalog.simple_product(
            "AmazonCloudWatch",
            "AmazonCloudWatch",
            "Storage Snapshot",
            "us-east-1",
            "TimedStorage-ByteHrs",
            "HourlyStorageMetering",
            group="Logs Storage",
        )
        add(
            "gbmo",
            account,
            "AmazonCloudWatch",
            "TimedStorage-ByteHrs",
            "HourlyStorageMetering",
            product,
            "GB-Mo",
            catalog.PRICES["cw_logs_storage_gb_month"],
            "$0.03 per GB-mo of log storage",
            400 * weight * s * jitter(),
            growth_per_month=0.04,
            noise=0.002,
        )
        product = catalog.simple_product(
            "awskms", "AWS Key Management Service", "Encryption Key", "us-east-1", "us-east-1-KMS-Keys", "CreateKey"
        )
        add(
            "gbmo",
            account,
            "awskms",
            "us-east-1-KMS-Keys",
            "CreateKey",
            product,
            "Keys",
            catalog.PRICES["kms_key_month"],
            "$1 per customer-managed Key Management Service (KMS) key per month",
            6 * weight * jitter(),
            noise=0.0,
        )
        product = catalog.simple_product(
            "awskms", "AWS Key Management Service", "API Request", "us-east-1", "us-east-1-KMS-Requests", "Decrypt"
        )
        add(
            "count",
            account,
            "awskms",
            "us-east-1-KMS-Requests",
            "Decrypt",
            product,
            "Requests",
            catalog.PRICES["kms_request"],
            "$0.03 per 10,000 requests",
            400_000 * weight * s * jitter(),
            weekend_drop=0.2,
            noise=0.1,
        )
    product = catalog.simple_product(
        "AmazonRoute53", "Amazon Route 53", "DNS Zone", None, "HostedZone", "CreateHostedZone"
    )
    add(
        "count",
        A_PAYER,
        "AmazonRoute53",
        "HostedZone",
        "CreateHostedZone",
        product,
        "HostedZone",
        catalog.PRICES["route53_zone_month"],
        "$0.50 per Hosted Zone for the first 25 Hosted Zones",
        14,
        first_day_only=True,
        noise=0.0,
    )
    product = catalog.simple_product("AmazonRoute53", "Amazon Route 53", "DNS Query", None, "DNS-Queries", "Query")
    add(
        "count",
        A_PAYER,
        "AmazonRoute53",
        "DNS-Queries",
        "Query",
        product,
        "Queries",
        catalog.PRICES["route53_query"],
        "$0.40 per 1,000,000 queries for the first 1 Billion queries",
        30_000_000 * s * jitter(),
        noise=0.05,
        driver="payments",
    )
    product = catalog.simple_product(
        "AWSCloudTrail",
        "AWS CloudTrail",
        "Management Tools - AWS CloudTrail Paid Events Recorded",
        "us-east-1",
        "USE1-PaidEventsRecorded",
        "None",
    )
    add(
        "count",
        A_PAYER,
        "AWSCloudTrail",
        "USE1-PaidEventsRecorded",
        "None",
        product,
        "Events",
        0.000002,
        "0.00002 per paid event recorded in US East (N. Virginia)",
        2_500_000 * s * jitter(),
        noise=0.05,
    )

    # ---------------------------------------------------------------- RDS storage
    for fleet in company.fleets:
        if fleet.service != "AmazonRDS":
            continue
        region = catalog.REGIONS[fleet.region]
        usage_type = f"{region.prefix}RDS:{'Multi-AZ-' if fleet.multi_az else ''}GP2-Storage"
        product = catalog.simple_product(
            "AmazonRDS",
            "Amazon Relational Database Service",
            "Database Storage",
            fleet.region,
            usage_type,
            f"CreateDBInstance:{int(catalog.RDS_ENGINE_CODE[fleet.platform]):04d}",
            volume_type="General Purpose",
            database_engine=fleet.platform,
            deployment_option="Multi-AZ" if fleet.multi_az else "Single-AZ",
        )
        price = round(catalog.PRICES["rds_gp2_gb_month"] * (2 if fleet.multi_az else 1) * region.price_multiplier, 4)
        account_id = accounts[fleet.account].account_id
        for i in range(_count(fleet.floor, s)):
            add(
                "gbmo",
                fleet.account,
                "AmazonRDS",
                usage_type,
                product["operation"],
                product,
                "GB-Mo",
                price,
                f"${price} per GB-month of provisioned GP2 storage running {fleet.platform}",
                800 if fleet.host_type == "ledger-db" else 200,
                resource=f"arn:aws:rds:{fleet.region}:{account_id}:db:{fleet.host_type}-prod-{i}",
                tags=company.fleet_tag_set(fleet),
                growth_per_month=0.01,
                noise=0.0,
                start_hour=fleet.start_hour,
                end_hour=fleet.end_hour,
            )

    # ---------------------------------------------------------------- AWS Marketplace (own billing entity)
    product_code = catalog.stable_code(
        "marketplace", company.seed, length=25, alphabet="abcdefghijklmnopqrstuvwxyz0123456789"
    )
    product = {
        "product_name": MARKETPLACE_PRODUCT,
        "sku": catalog.stable_code("mp-sku", product_code),
        "usagetype": "Hosts",
        "operation": "",
        "product_family": "",
        "region": "us-east-1",
    }
    add(
        "hours",
        A_COM,
        product_code,
        "Hosts",
        "",
        product,
        "Hosts",
        0.03,
        f"{MARKETPLACE_PRODUCT} - $0.03 per host per hour",
        24 * 180 * s * jitter(0.9, 1.1),
        pricing_term="",
        billing_entity="AWS Marketplace",
        legal_entity=MARKETPLACE_SELLER,
        growth_per_month=0.02,
        noise=0.03,
    )
    company.scenarios["gp2_volumes"] = sum(1 for k in volume_keys if k[2] == "gp2")
    company.scenarios["marketplace_product_code"] = product_code
    _ = window
