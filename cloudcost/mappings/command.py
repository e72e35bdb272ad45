"""`cloudcost mappings check`: the allocated share of cost per dimension, and what to map next."""

from __future__ import annotations

import json
import re
from typing import Any

import click

from cloudcost.commands.options import settings_for, target_option
from cloudcost.company import read_company_folder
from cloudcost.mappings.check import MappingReport, mapping_report

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def report_json(report: MappingReport) -> dict[str, Any]:
    return {
        "billing_period": report.period,
        "period_reason": report.period_reason,
        "dimensions": [
            {
                "dimension": share.dimension,
                "currency": share.currency,
                "amortized_cost": share.total,
                "unallocated_cost": share.unallocated,
                "unallocated_share": share.unallocated_share,
                "unclaimed_cost": share.unclaimed,
                "unclaimed_share": share.unclaimed_share,
            }
            for share in report.shares
        ],
        "largest_unallocated": {
            dimension: {
                kind: [{"currency": c, "name": name, "amortized_cost": cost} for c, name, cost in rows]
                for kind, rows in kinds.items()
            }
            for dimension, kinds in report.largest.items()
        },
        "tag_keys": report.tag_keys,
        "tag_key_collisions": report.collisions,
        "configured_tag_keys_missing": report.missing_tag_keys,
        "rules": report.rules,
        "allocation_keys": [
            {
                "allocation_key": key.allocation_key,
                "currency": key.currency,
                "account_id": key.account_id,
                "service_code": key.service_code,
                "tags": key.tags,
                **{dimension: key.values[dimension] for dimension in key.values},
                **{f"{dimension}_rule_id": rule for dimension, rule in key.rules.items()},
                "amortized_cost": key.amortized_cost,
            }
            for key in report.keys
        ],
    }


def _money(amount: float, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def report_text(report: MappingReport) -> list[str]:
    lines = [f"cloudcost mappings check: billing period {report.period} ({report.period_reason})", ""]
    lines.append(f"  {'dimension':<18} {'amortized cost':>20} {'unallocated':>20} {'share':>8} {'no rule':>8}")
    for share in report.shares:
        lines.append(
            f"  {share.dimension:<18} {_money(share.total, share.currency):>20} "
            f"{_money(share.unallocated, share.currency):>20} {share.unallocated_share:>7.1%} "
            f"{share.unclaimed_share:>7.1%}"
        )
    lines.append("  (no rule: cost no mapping rule claimed; host type then falls back to the family or service)")
    for dimension, kinds in report.largest.items():
        for kind, rows in kinds.items():
            if rows:
                lines.append("")
                lines.append(f"Largest unallocated {dimension} cost by {kind.replace('_', ' ')}:")
                lines += [f"  {_money(cost, currency):>20}  {name}" for currency, name, cost in rows]
    lines.append("")
    lines.append("Tag keys in the CUR (share of amortized cost carrying the key):")
    lines += [f"  {row['share']:>7.1%}  {row['tag_key']} ({row['currency']})" for row in report.tag_keys] or [
        "  none: activate cost allocation tags in the AWS Billing console"
    ]
    for group in report.collisions:
        lines.append(f"  collide case-insensitively: {', '.join(group)} (rules must name the exact key)")
    if report.missing_tag_keys:
        lines.append(f"  configured in cloudcost.yml but not in this period: {', '.join(report.missing_tag_keys)}")
    lines.append("")
    lines.append("Rules that claimed allocation keys:")
    for row in report.rules:
        lines.append(
            f"  {row['dimension']:<18} {row['rule_id']:<32} {row['keys']:>6} keys "
            f"{_money(row['amortized_cost'], row['currency']):>20}"
        )
    return lines


@click.group("mappings")
def mappings() -> None:
    """Check what the company folder's mapping rules allocate in the built warehouse."""


@mappings.command("check")
@target_option
@click.option("--period", default=None, help="Billing period YYYY-MM (default: the latest closed one).")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--max-unallocated",
    type=click.FloatRange(0, 100),
    default=None,
    help="Exit 1 when any dimension leaves more than PCT percent of amortized cost unallocated (a CI gate).",
)
def check(target: str | None, period: str | None, output: str, max_unallocated: float | None) -> None:
    """Share of amortized cost left `unallocated` per dimension (team, host type, functional group), the
    largest unallocated accounts, services and tag values, the tag keys in the CUR with their cost coverage,
    and which rule claimed each allocation key. Run it after `cloudcost build`."""
    if period is not None and not PERIOD.match(period):
        raise click.BadParameter(f"{period!r} is not YYYY-MM", param_hint="--period")
    settings = settings_for(target)
    company = read_company_folder(settings.company_dir)
    try:
        report = mapping_report(settings, period, company.config.tag_keys)
    except LookupError as error:
        raise click.ClickException(str(error)) from error
    if output == "json":
        click.echo(json.dumps(report_json(report), indent=2, default=str))
    else:
        click.echo("\n".join(report_text(report)))
    if max_unallocated is not None and report.worst_share() * 100 > max_unallocated:
        worst = max(report.shares, key=lambda share: share.unallocated_share)
        click.echo(
            f"cloudcost mappings check: {worst.dimension} leaves {worst.unallocated_share:.1%} of {worst.currency} "
            f"amortized cost unallocated in {report.period}, above --max-unallocated {max_unallocated:g} %",
            err=True,
        )
        raise SystemExit(1)
