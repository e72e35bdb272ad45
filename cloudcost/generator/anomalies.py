"""Injected cost anomalies of known kinds, and the label file that says where they are.

``cloudcost generate --inject-anomalies`` adds four kinds of anomaly to usage streams (storage, network,
serverless, …), each sized from the noise of the series it lands in (the usage type within its service, summed
over accounts), so the label can say how many standard deviations it is:

* ``runaway``: a service that costs several times its normal for a few days, then stops;
* ``spike``: one day far above normal;
* ``new_usage_type``: a usage type that did not exist appears and stays;
* ``creep``: cost that grows a little every day for two weeks, then stays at the higher level.

Without the flag nothing is injected, but the label file still lists the billing calendar's ordinary events
(month starts, monthly fees, tax and support at month end, reserved instance purchases and expiries, the late
credit of the restated month, the cost-center tag re-org, the planned fleet changes), so a generation without
injections measures false alarms. ``anomaly_labels.json`` sits beside ``generation.json``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from pathlib import Path

import numpy as np

from .company import Company, SimpleStream
from .timeline import Window

LABEL_FILE = "anomaly_labels.json"
KINDS = ("runaway", "spike", "new_usage_type", "creep")
HISTORY_DAYS = 42  # the detector's trailing weeks must hold normal days before the first injection
TAIL_DAYS = 18  # keep injections out of the last, unsettled days
MIN_EXTRA_DOLLARS = 40.0  # every injection adds at least this much a day: above the detector's minimum impact
RUNAWAY_DAYS = 4
CREEP_RAMP_DAYS = 14
CREEP_DETECTION_DAYS = 14  # two weekly deliveries
# extra cost per day as a multiple of the series' daily noise (standard deviation), per kind
SIGMAS = {"runaway": 8.0, "spike": 12.0, "new_usage_type": 10.0, "creep": 10.0}
MIN_RELATIVE = {"runaway": 0.6, "spike": 1.0, "new_usage_type": 0.0, "creep": 0.5}  # extra / series level


@dataclass(frozen=True)
class Injection:
    kind: str
    stream: int  # index into company.streams
    first_day: int  # window day index of the first anomalous day
    days: int  # anomalous days (a creep stays up after its ramp; a new usage type stays)
    extra_per_day: float  # public on-demand dollars a day added at full strength
    series_level: float  # the series' normal daily public on-demand cost
    series_noise: float  # the series' daily standard deviation in dollars
    sigmas: float  # extra_per_day / series_noise


def _daily_cost(stream: SimpleStream, window: Window) -> float:
    per_day = stream.quantity * stream.public_rate
    if stream.kind == "gbmo":
        per_day /= window.days / len(window.periods)  # billed per GB-month: a month's share a day
    return per_day


def _series_key(stream: SimpleStream) -> tuple[str, str]:
    return (stream.service, stream.usage_type)


def _series_noise(company: Company) -> dict[tuple[str, str], tuple[float, float]]:
    """(level, standard deviation) of each usage-type series' daily public on-demand cost."""
    variance: dict[tuple[str, str], float] = {}
    level: dict[tuple[str, str], float] = {}
    for stream in company.streams:
        if stream.first_day_only:
            continue
        cost = _daily_cost(stream, company.window)
        sigma = stream.noise + (0.1 if stream.driver else 0.0) + 0.02
        key = _series_key(stream)
        variance[key] = variance.get(key, 0.0) + (cost * sigma) ** 2
        level[key] = level.get(key, 0.0) + cost
    return {key: (level[key], float(np.sqrt(variance[key]))) for key in level}


def _candidates(company: Company) -> list[SimpleStream]:
    """Steady streams that run the whole window and cost something at the public price."""
    return [
        s
        for s in company.streams
        if s.line_item_type == "Usage"
        and s.billing_entity == "AWS"
        and not s.first_day_only
        and s.driver is None
        and s.start_hour == 0
        and s.end_hour == float("inf")
        and s.public_rate > 0
        and s.quantity > 0
    ]


def plan_injections(company: Company, seed: int) -> list[Injection]:
    """Two anomalies of each kind, on distinct usage-type series, spread over the window."""
    window = company.window
    first, last = HISTORY_DAYS, window.days - TAIL_DAYS - CREEP_RAMP_DAYS
    if last - first < 8 * 7:
        return []
    rng = np.random.default_rng([seed, 1919])
    noise = _series_noise(company)
    by_series: dict[tuple[str, str], SimpleStream] = {}
    for stream in _candidates(company):
        key = _series_key(stream)
        if key not in by_series or _daily_cost(stream, window) > _daily_cost(by_series[key], window):
            by_series[key] = stream
    kinds = [kind for _ in range(2) for kind in KINDS]
    # the largest series, so the anomaly is sized by their noise rather than by MIN_EXTRA_DOLLARS
    series = sorted(by_series, key=lambda k: -noise[k][0])[: len(kinds) + 4]
    chosen = [series[int(i)] for i in rng.permutation(len(series))]
    slots = np.linspace(first, last, len(kinds)).round().astype(int)
    injections: list[Injection] = []
    for kind, day, key in zip(kinds, slots.tolist(), chosen, strict=False):
        stream = by_series[key]
        level, sigma = noise[key]
        extra = max(SIGMAS[kind] * sigma, MIN_RELATIVE[kind] * level, MIN_EXTRA_DOLLARS)
        days = {"runaway": RUNAWAY_DAYS, "spike": 1}.get(kind, window.days - day)
        injections.append(Injection(kind, stream.index, int(day), int(days), extra, level, sigma, extra / sigma))
    return injections


def add_new_usage_types(company: Company, injections: list[Injection]) -> list[Injection]:
    """Give every ``new_usage_type`` injection its own new stream (an inter-region transfer of the same
    account) starting on its day; returns the injections pointing at the new streams."""
    placed = []
    destinations = iter(
        (("APS1", "Asia Pacific (Mumbai)"), ("APN1", "Asia Pacific (Tokyo)"), ("SAE1", "South America"))
    )
    for injection in injections:
        if injection.kind != "new_usage_type":
            placed.append(injection)
            continue
        base = company.streams[injection.stream]
        head = base.usage_type.split("-", 1)[0]
        prefix = head if len(head) <= 4 and head[-1:].isdigit() or head in ("EU", "US") else "USE1"
        code, name = next(destinations, ("MES1", "Middle East (Bahrain)"))
        usage_type = f"{prefix}-{code}-AWS-Out-Bytes"
        rate = 0.09
        stream = replace(
            base,
            index=len(company.streams),
            kind="count",
            service="AWSDataTransfer",
            usage_type=usage_type,
            operation="",
            product={**base.product, "servicecode": "AWSDataTransfer", "usagetype": usage_type},
            unit="GB",
            rate=rate,
            public_rate=rate,
            description=f"$0.09 per GB - data transfer to {name}",
            resource_id="",
            quantity=injection.extra_per_day / rate,
            growth_per_month=0.0,
            weekend_drop=0.0,
            noise=0.05,
            start_hour=float(injection.first_day * 24),
            private_rate=False,
        )
        company.streams.append(stream)
        placed.append(replace(injection, stream=stream.index, series_level=0.0))
    return placed


class StreamEffects:
    """Multipliers of the injected anomalies per stream and window day (new usage types need none)."""

    def __init__(self, company: Company, injections: list[Injection]) -> None:
        self.company = company
        self.injections = [i for i in injections if i.kind != "new_usage_type"]

    def factor(self, n_streams: int, day: np.ndarray) -> np.ndarray:
        """[streams, buckets] multipliers for the buckets' window days."""
        factor = np.ones((n_streams, len(day)))
        for injection in self.injections:
            stream = self.company.streams[injection.stream]
            base = max(_daily_cost(stream, self.company.window), 1e-9)
            offset = day - injection.first_day
            if injection.kind == "creep":
                strength = np.clip((offset + 1) / CREEP_RAMP_DAYS, 0.0, 1.0)
            else:
                strength = ((offset >= 0) & (offset < injection.days)).astype(float)
            factor[injection.stream] *= 1.0 + strength * injection.extra_per_day / base
        return factor


def _label(company: Company, injection: Injection) -> dict:
    window = company.window
    stream = company.streams[injection.stream]
    first = window.start + timedelta(days=injection.first_day)
    deadline = CREEP_DETECTION_DAYS if injection.kind == "creep" else 0
    return {
        **{k: v for k, v in asdict(injection).items() if k != "stream"},
        "first_day": first.isoformat(),
        "last_day": (first + timedelta(days=injection.days - 1)).isoformat(),
        "detect_by": (first + timedelta(days=deadline)).isoformat(),
        "account_id": company.accounts[stream.account].account_id,
        "service_code": stream.service,
        "usage_type": stream.usage_type,
        "resource_id": stream.resource_id or None,
    }


def _calendar_events(company: Company, generation: dict) -> list[dict]:
    """The billing calendar's ordinary events of the window: none of them may raise an anomaly."""
    events: list[dict] = []
    for period in generation["window"]["periods"]:
        events.append({"kind": "month_start", "day": period["start"], "what": "monthly charges and free tier"})
        if not period["is_open"]:
            events.append(
                {
                    "kind": "month_end_charges",
                    "billing_period": period["billing_period"],
                    "what": "tax, support and monthly fees (one-off charges)",
                }
            )
    for reservation in generation["scenarios"]["commitments"]["reservations"]:
        events.append({"kind": "ri_purchase", "day": reservation["start"][:10], "arn": reservation["arn"]})
        events.append({"kind": "ri_expiry", "day": reservation["end"][:10], "arn": reservation["arn"]})
    for plan in generation["scenarios"]["commitments"]["savings_plans"]:
        events.append({"kind": "sp_purchase", "day": plan["start"][:10], "arn": plan["arn"]})
    for item in generation["discrepancies"]:
        if item["kind"] == "restatement_after_close":
            events.append({"kind": "late_credit", "billing_period": item["billing_period"]})
    events.append(
        {
            "kind": "mapping_reorg",
            "billing_period": generation["company"]["cost_center_tag_from"],
            "what": "cost-center tags appear and the team rules change",
        }
    )
    for step in generation["scenarios"]["step_changes"]:
        events.append({"kind": "planned_fleet_change", "day": step["at"][:10], **step})
    return events


def write_labels(out: Path, company: Company, injections: list[Injection], generation: dict) -> None:
    labels = {
        "injected": bool(injections),
        "settings": {
            "sigmas": SIGMAS,
            "min_relative": MIN_RELATIVE,
            "min_extra_dollars": MIN_EXTRA_DOLLARS,
            "creep_ramp_days": CREEP_RAMP_DAYS,
        },
        "anomalies": [_label(company, i) for i in injections],
        "calendar_events": _calendar_events(company, generation),
    }
    (out / LABEL_FILE).write_text(json.dumps(labels, indent=2) + "\n")
