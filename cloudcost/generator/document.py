"""``generation.json``: what a generation wrote, with the parameters, window, company and scenarios behind it."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from .company import COMPANY, COST_CENTER_TAG_FROM_PERIOD, Company, Fleet
from .company_folder import COMPANY_FOLDER
from .deliveries import SCHEMA_VERSION
from .timeline import Window, to_datetime
from .writers import REPORT_NAMES

if TYPE_CHECKING:
    from .engine import Options

MOMENT = "%Y-%m-%dT%H:%M:%SZ"
TAG_KEYS = {
    "team": "user_team",
    "host_type": "user_host_type",
    "environment": "user_environment",
    "cost_center": "user_cost_center",
    "name": "user_name",
    "auto_scaling_group": "aws_autoscaling_group_name",
}


def generation_document(
    options: Options,
    company: Company,
    window: Window,
    records: list[dict],
    finance_files: dict[str, str],
    discrepancies: list[dict],
    sign_offs: list[dict],
    usage_rows: int,
    finance_rows: int,
) -> dict:
    report = REPORT_NAMES[options.flavour]
    scenarios = dict(company.scenarios)
    scenarios["ri_floor"] = {k: v for k, v in scenarios.get("ri_floor", {}).items() if k != "floor_period_index"}
    scenarios["commitments"] = _commitments(company)
    scenarios["step_changes"] = [step for fleet in company.fleets for step in _step_changes(fleet, window)]
    owned = [report, "finance", "sign_offs", "forecasts", COMPANY_FOLDER]
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": "cloudcost generate",
        "parameters": _parameters(options),
        "format": options.flavour,
        "report_name": report,
        "time_granularity": options.granularity.upper(),
        "payer_account_id": company.payer_account_id,
        "currency": "USD",
        "scale": company.scale,
        "window": _window(window),
        "deliveries": records,
        "discrepancies": discrepancies,
        "sign_offs": sign_offs,
        "scenarios": scenarios,
        "company": _company(company, window),
        "files": {
            **finance_files,
            "usage_forecasts": "forecasts/usage_forecasts.csv",
            "finance_forecasts": "forecasts/finance_forecasts.csv",
        },
        "forecasts": {"usage_rows": usage_rows, "finance_rows": finance_rows},
        "owned_paths": owned,
    }


def _parameters(options: Options) -> dict:
    return {
        "seed": options.seed,
        "rows": options.rows,
        "months": options.months,
        "start": options.start.strftime("%Y-%m"),
        "format": options.flavour,
        "restate": options.restate,
        "month_to_date": options.month_to_date,
        "granularity": options.granularity,
        "rows_per_file": options.rows_per_file,
        "inject_anomalies": options.inject_anomalies,
    }


def _commitments(company: Company) -> dict:
    reservations = [
        {
            "arn": r.arn,
            "service_code": r.service,
            "region": r.region,
            "instance_type": r.instance_type,
            "platform": r.platform,
            "multi_az": r.multi_az,
            "count": r.count,
            "term_years": r.term_years,
            "payment_option": r.payment_option,
            "offering_class": r.offering_class,
            "start": r.start.strftime(MOMENT),
            "end": r.end.strftime(MOMENT),
            "upfront": r.upfront_total,
            "recurring_hourly": r.recurring_hourly,
            "scenario": r.scenario,
        }
        for r in company.reservations
    ]
    plans = [
        {
            "arn": p.arn,
            "type": p.kind,
            "family": p.family,
            "region": p.region,
            "term_years": p.term_years,
            "payment_option": p.payment_option,
            "hourly_commitment": p.commitment,
            "upfront": p.upfront_total,
            "start": p.start.strftime(MOMENT),
            "end": p.end.strftime(MOMENT),
            "returned_on": p.returned_on.strftime(MOMENT) if p.returned_on else None,
            "scenario": p.scenario,
        }
        for p in company.savings_plans
    ]
    return {"reservations": reservations, "savings_plans": plans}


def _step_changes(fleet: Fleet, window: Window) -> list[dict]:
    """A fleet's size steps, start and stop inside the window."""

    def at(hour: float) -> str:
        return (to_datetime(window.start) + timedelta(hours=hour)).strftime(MOMENT)

    head = {"host_type": fleet.host_type, "instance_type": fleet.instance_type}
    steps = [
        {**head, "at": at(hour), "multiplier": multiplier} for hour, multiplier in fleet.steps if hour < window.hours
    ]
    if 0 < fleet.start_hour < window.hours:
        steps.append({**head, "at": at(fleet.start_hour), "event": "starts"})
    if fleet.end_hour < window.hours:
        steps.append({**head, "at": at(fleet.end_hour), "event": "stops"})
    return steps


def _window(window: Window) -> dict:
    return {
        "first_period": window.periods[0].label,
        "last_period": window.periods[-1].label,
        "open_period": window.open_period.label,
        "data_end": window.end.isoformat(),
        "periods": [
            {
                "billing_period": p.label,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "data_end": p.data_end.isoformat(),
                "is_open": p.is_open,
                "closed_on": p.closed_on.isoformat() if p.closed_on else None,
            }
            for p in window.periods
        ],
    }


def _company(company: Company, window: Window) -> dict:
    accounts = [
        {
            "account_id": a.account_id,
            "account_name": a.name,
            "default_team": a.default_team,
            "business_unit": a.business_unit,
        }
        for a in company.accounts
    ]
    host_types = [
        {
            "host_type": h.name,
            "team": h.team,
            "functional_group": h.functional_group,
            "tagging": h.tagging,
            "asg_name": h.asg_name or None,
        }
        for h in company.host_types
    ]
    return {
        "name": COMPANY,
        "accounts": accounts,
        "teams": company.teams,
        "host_types": host_types,
        "tag_keys": dict(TAG_KEYS),
        "cost_center_tag_from": window.periods[min(COST_CENTER_TAG_FROM_PERIOD, len(window.periods) - 1)].label,
        "business_metrics": ["payments", "checkout_orders"],
        "payments_functional_group": "payments",
    }
