"""What the company's mappings leave unallocated, for one billing period of the built warehouse.

Reads the public cost mart ``fct_cost_layers`` (amortized cost = Σ layers, by allocation key) and the
allocation tables it is mapped from (which rule claimed each allocation key, the key's tags). Amounts are
never added across currencies: every share is per currency.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cloudcost.loader.naming import athena_name
from cloudcost.settings import Settings
from cloudcost.warehouse import connect

DIMENSIONS = ("team", "host_type", "functional_group")
UNALLOCATED = "unallocated"
TOP = 10


@dataclass
class KeyCost:
    """One allocation key of the period with its amortized cost and how it was mapped."""

    allocation_key: str
    currency: str
    account_id: str
    service_code: str
    values: dict[str, str]  # dimension -> value
    rules: dict[str, str | None]  # dimension -> rule id (None = no rule claimed it)
    tags: dict[str, str]
    amortized_cost: float


@dataclass
class DimensionShare:
    dimension: str
    currency: str
    total: float
    unallocated: float
    unclaimed: float  # cost no rule claimed (team: no tag rule and no account default)

    @property
    def unallocated_share(self) -> float:
        return self.unallocated / self.total if self.total else 0.0

    @property
    def unclaimed_share(self) -> float:
        return self.unclaimed / self.total if self.total else 0.0


@dataclass
class MappingReport:
    period: str
    period_reason: str
    shares: list[DimensionShare]
    largest: dict[str, dict[str, list[tuple[str, str, float]]]]  # dimension -> kind -> (currency, name, cost)
    tag_keys: list[dict[str, Any]]
    collisions: list[list[str]]
    missing_tag_keys: list[str]
    rules: list[dict[str, Any]]
    keys: list[KeyCost] = field(default_factory=list)

    def worst_share(self) -> float:
        return max((share.unallocated_share for share in self.shares), default=0.0)


def _query(con: Any, target: str, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
    text = sql if target == "postgres" else sql.replace("%s", "?")
    cursor = con.cursor()
    cursor.execute(text, list(params))
    return cursor.fetchall()


def _periods(con: Any, target: str) -> list[tuple[str, bool]]:
    """Loaded billing periods (YYYY-MM) and whether AWS has invoiced each (its lines carry invoice ids)."""
    rows = _query(
        con,
        target,
        "select billing_period, count(invoice_id) from marts.fct_cost_layers group by billing_period "
        "order by billing_period",
    )
    return [(str(period)[:7], invoiced > 0) for period, invoiced in rows]


def choose_period(con: Any, target: str, wanted: str | None) -> tuple[str, str]:
    """The period to check and why: ``--period``, else the latest closed (invoiced) one, else the latest."""
    periods = _periods(con, target)
    if not periods:
        raise LookupError("the warehouse holds no cost lines: run `cloudcost load` and `cloudcost build` first")
    labels = [label for label, _ in periods]
    if wanted:
        if wanted not in labels:
            raise LookupError(f"billing period {wanted} is not loaded; loaded: {', '.join(labels)}")
        return wanted, "chosen with --period"
    closed = [label for label, invoiced in periods if invoiced]
    if closed:
        return closed[-1], "the latest closed (invoiced) billing period"
    return labels[-1], "the latest billing period (none is invoiced yet)"


def _json_map(value: Any) -> dict[str, str]:
    if value is None or value == "":
        return {}
    parsed = value if isinstance(value, dict) else json.loads(value)
    return {str(key): str(item) for key, item in (parsed or {}).items() if item not in (None, "")}


def read_key_costs(con: Any, target: str, period: str) -> list[KeyCost]:
    start = f"{period}-01"
    costs = _query(
        con,
        target,
        "select allocation_key, currency, account_id, service_code, team, host_type, functional_group, "
        "sum(amount) from marts.fct_cost_layers where billing_period = cast(%s as date) "
        "group by allocation_key, currency, account_id, service_code, team, host_type, functional_group",
        [start],
    )
    rules = {
        row[0]: row[1:]
        for row in _query(
            con,
            target,
            "select allocation_key, team_rule_id, host_type_rule_id, functional_group_rule_id "
            "from intermediate.int_allocation_mapping "
            "where mapping_scenario = 'effective' and billing_period = cast(%s as date)",
            [start],
        )
    }
    tags = {
        row[0]: _json_map(row[1])
        for row in _query(
            con,
            target,
            "select allocation_key, cast(resource_tags as varchar) from intermediate.int_allocation_keys "
            "where billing_period = cast(%s as date)",
            [start],
        )
    }
    keys = []
    for key, *attributes, amount in costs:
        rule_ids = rules.get(key, (None, None, None))
        keys.append(key_cost((key, *attributes, *rule_ids, tags.get(key), amount)))
    return keys


# the columns of one allocation key's row, in the order key_cost takes them (the dashboard's mart
# fct_allocation_key_monthly has these columns)
KEY_COST_COLUMNS = (
    "allocation_key",
    "currency",
    "account_id",
    "service_code",
    "team",
    "host_type",
    "functional_group",
    "team_rule_id",
    "host_type_rule_id",
    "functional_group_rule_id",
    "resource_tags",
    "amortized_cost",
)


def key_cost(row: Sequence[Any]) -> KeyCost:
    """One allocation key from a row of KEY_COST_COLUMNS (tags as JSON text or an already parsed map)."""
    key, currency, account, service, team, host_type, group, team_rule, host_rule, group_rule, tags, amount = row
    return KeyCost(
        allocation_key=str(key),
        currency=str(currency),
        account_id=str(account),
        service_code=str(service),
        values={"team": team, "host_type": host_type, "functional_group": group},
        rules=dict(zip(DIMENSIONS, (team_rule or None, host_rule or None, group_rule or None), strict=True)),
        tags=tags if isinstance(tags, dict) else _json_map(tags),
        amortized_cost=float(amount or 0.0),
    )


def dimension_shares(keys: list[KeyCost]) -> list[DimensionShare]:
    shares = []
    for currency in sorted({key.currency for key in keys}):
        in_currency = [key for key in keys if key.currency == currency]
        total = sum(key.amortized_cost for key in in_currency)
        for dimension in DIMENSIONS:
            unallocated = sum(k.amortized_cost for k in in_currency if k.values[dimension] == UNALLOCATED)
            unclaimed = sum(k.amortized_cost for k in in_currency if not k.rules[dimension])
            shares.append(DimensionShare(dimension, currency, total, unallocated, unclaimed))
    return shares


def _top(costs: dict[tuple[str, str], float]) -> list[tuple[str, str, float]]:
    ranked = sorted(costs.items(), key=lambda item: -abs(item[1]))[:TOP]
    return [(currency, name, amount) for (currency, name), amount in ranked]


def largest_unallocated(keys: list[KeyCost]) -> dict[str, dict[str, list[tuple[str, str, float]]]]:
    """Per dimension, the accounts, services and tag values (key=value) with the most unallocated cost."""
    result = {}
    for dimension in ("team", "functional_group"):
        by: dict[str, dict[tuple[str, str], float]] = {
            "accounts": defaultdict(float),
            "services": defaultdict(float),
            "tag_values": defaultdict(float),
        }
        for key in keys:
            if key.values[dimension] != UNALLOCATED:
                continue
            by["accounts"][(key.currency, key.account_id)] += key.amortized_cost
            by["services"][(key.currency, key.service_code)] += key.amortized_cost
            for tag, value in key.tags.items():
                by["tag_values"][(key.currency, f"{tag}={value}")] += key.amortized_cost
        result[dimension] = {kind: _top(costs) for kind, costs in by.items()}
    return result


def _collision_form(key: str) -> str:
    return "".join(character for character in key.lower() if character.isalnum())


def tag_key_coverage(
    keys: list[KeyCost], configured: Iterable[str]
) -> tuple[list[dict[str, Any]], list[list[str]], list[str]]:
    """Each tag key present in the period with the share of cost carrying it (per currency); keys that
    collide case-insensitively; configured keys (cloudcost.yml tag_keys) the CUR does not carry."""
    totals: dict[str, float] = defaultdict(float)
    carried: dict[tuple[str, str], float] = defaultdict(float)
    for key in keys:
        totals[key.currency] += key.amortized_cost
        for tag in key.tags:
            carried[(tag, key.currency)] += key.amortized_cost
    coverage = [
        {
            "tag_key": tag,
            "currency": currency,
            "amortized_cost": amount,
            "share": amount / totals[currency] if totals[currency] else 0.0,
        }
        for (tag, currency), amount in sorted(carried.items(), key=lambda item: (-item[1], item[0]))
    ]
    present = sorted({tag for tag, _ in carried})
    groups: dict[str, list[str]] = defaultdict(list)
    for tag in present:
        groups[_collision_form(tag)].append(tag)
    collisions = [sorted(group) for group in groups.values() if len(group) > 1]
    stored = {stored_tag_key(name): name for name in configured}
    missing = sorted(name for stored_name, name in stored.items() if stored_name not in present)
    return coverage, collisions, missing


def stored_tag_key(name: str) -> str:
    """How the warehouse spells a tag key: ``team`` -> ``user_team``, ``aws:createdBy`` -> ``aws_created_by``."""
    return athena_name(name if name.startswith("aws:") else f"user:{name}")


def rule_claims(keys: list[KeyCost]) -> list[dict[str, Any]]:
    """Per dimension and rule: how many allocation keys it claimed and their amortized cost (per currency)."""
    claims: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    for key in keys:
        for dimension in DIMENSIONS:
            entry = claims[(dimension, key.rules[dimension] or "(no rule)", key.currency)]
            entry[0] += 1
            entry[1] += key.amortized_cost
    return [
        {"dimension": dimension, "rule_id": rule, "currency": currency, "keys": int(count), "amortized_cost": cost}
        for (dimension, rule, currency), (count, cost) in sorted(claims.items())
    ]


def mapping_report(settings: Settings, period: str | None, configured_tag_keys: Iterable[str]) -> MappingReport:
    with connect(settings, read_only=True) as con:
        chosen, reason = choose_period(con, settings.target, period)
        keys = read_key_costs(con, settings.target, chosen)
    return report_from_keys(chosen, reason, keys, configured_tag_keys)


def report_from_keys(
    period: str, reason: str, keys: list[KeyCost], configured_tag_keys: Iterable[str] = ()
) -> MappingReport:
    """The check's report on the allocation keys of one period (also what the dashboard's Mappings page shows)."""
    coverage, collisions, missing = tag_key_coverage(keys, configured_tag_keys)
    return MappingReport(
        period=period,
        period_reason=reason,
        shares=dimension_shares(keys),
        largest=largest_unallocated(keys),
        tag_keys=coverage,
        collisions=collisions,
        missing_tag_keys=missing,
        rules=rule_claims(keys),
        keys=keys,
    )
