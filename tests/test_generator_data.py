"""The generator's data files (cloudcost/generator/data) name only what exists: no generation, file reads only."""

from __future__ import annotations

import ast
from pathlib import Path

from cloudcost.generator import catalog
from cloudcost.generator.company import ACCOUNT_LAYOUT, HOST_TYPES, TEAMS
from cloudcost.generator.datafiles import load

GENERATOR = Path(catalog.__file__).parent
ACCOUNTS = {name for name, _, _ in ACCOUNT_LAYOUT}


def _string_constants(module: str) -> set[str]:
    tree = ast.parse((GENERATOR / module).read_text())
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_the_company_names_known_teams_accounts_host_types_and_prices() -> None:
    company = load("company")
    assert {team for _, team, _ in ACCOUNT_LAYOUT if team} <= set(TEAMS)
    assert {team for _, team, _, _ in HOST_TYPES} <= set(TEAMS)
    host_types = {name for name, _, _, _ in HOST_TYPES}
    for fleet in company["fleets"]:
        assert fleet["host_type"] in host_types and fleet["account"] in ACCOUNTS and fleet["region"] in catalog.REGIONS
        itype, region, platform = fleet["instance_type"], fleet["region"], fleet.get("platform", "Linux")
        if fleet["service"] == "AmazonEC2":
            assert catalog.ec2_on_demand_rate(itype, region, platform) > 0
        elif fleet["service"] == "AmazonRDS":
            assert catalog.rds_on_demand_rate(itype, region, platform, fleet.get("multi_az", False)) > 0
        else:
            assert catalog.cache_on_demand_rate(itype, region) > 0
    for spec in load("commitments")["reservations"]:
        assert catalog.RI_EFFECTIVE_RATIO[(spec["term"], spec["payment"])] > 0


def test_streams_and_credits_name_known_templates_prices_and_accounts() -> None:
    streams = load("streams")
    templates = streams["templates"]
    placed = _string_constants("streams.py") | set(streams["monitoring_templates"]) | set(streams["payer_templates"])
    assert set(templates) <= placed, "a template nothing places"
    assert set(streams["monitoring_templates"]) | set(streams["payer_templates"]) <= set(templates)
    for name, template in templates.items():
        assert template["service"] in catalog.PRODUCT_NAMES, name
        for key in ("price", "public_price"):
            if isinstance(template.get(key), str):
                assert template[key] in catalog.PRICES, (name, template[key])
    placements = ("nat_gateways", "traffic", "inter_region_traffic", "buckets", "functions", "balancers")
    named = [spec["account"] for key in placements for spec in streams[key]]
    named += [*streams["ebs"]["snapshot_accounts"], *streams["monitoring_weights"], streams["eks_account"]]
    billing = load("billing")
    named += [*billing["map_credit"]["accounts"], billing["late_credit"]["account"]]
    named += [event["account"] for event in billing["one_offs"]]
    assert set(named) <= ACCOUNTS
