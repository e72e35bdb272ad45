"""Group staged lines into deliveries (billing period x payer) and check them before anything is written.

A delivery is every line of one billing period of one payer among the files given. Two deliveries of the
same period in one load (two manifests' assemblies, or loose files sharing line identities) are refused:
loading both would double count. The currency must be the one already loaded for the payer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from cloudcost.loader.checks import (
    PERIOD_SQL,
    check_currencies,
    check_keys_present,
    check_line_item_types,
    check_no_shared_identities,
    check_one_assembly_per_period,
)
from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.fingerprint import CONTENT_SQL, delivery_id
from cloudcost.loader.manifests import Grouping
from cloudcost.loader.naming import period_label
from cloudcost.loader.staging import STAGED_LINES, StagedFile
from cloudcost.loader.values import check_numbers, check_periods

STAGED_DELIVERIES = "cloudcost_load_deliveries"

LOADED, REPLACED, ALREADY_LOADED = "loaded", "replaced", "already loaded"


@dataclass(frozen=True)
class ExistingDelivery:
    delivery_id: str
    billing_period: date
    payer_account_id: str
    currency: str
    superseded_at: datetime | None


@dataclass(frozen=True)
class PlannedDelivery:
    billing_period: date
    payer_account_id: str
    currency: str
    delivery_id: str
    source_format: str
    source_files: tuple[str, ...]
    row_count: int
    total_unblended_cost: float
    total_public_on_demand_cost: float | None
    total_net_unblended_cost: float | None
    status: str
    replaces: str | None = None

    @property
    def to_write(self) -> bool:
        return self.status != ALREADY_LOADED


def plan_deliveries(
    con: duckdb.DuckDBPyConnection,
    staged: Sequence[StagedFile],
    grouping: Grouping,
    existing: Sequence[ExistingDelivery],
) -> list[PlannedDelivery]:
    """Validate the staged lines and decide, per delivery, whether it is loaded, replaces or is a no-op."""
    check_keys_present(con)
    check_numbers(con)
    check_periods(con)
    check_line_item_types(con)
    groups = con.execute(
        f"""
        select {PERIOD_SQL} as billing_period, bill_payer_account_id as payer_account_id,
            list(distinct source_file_index order by source_file_index) as file_indexes,
            list(distinct line_item_currency_code order by line_item_currency_code) as currencies,
            count(*) as row_count, sum(line_item_unblended_cost::decimal(38, 10))::double as total_unblended_cost,
            sum(pricing_public_on_demand_cost::decimal(38, 10))::double as total_public_on_demand_cost,
            sum(line_item_net_unblended_cost::decimal(38, 10))::double as total_net_unblended_cost,
            {CONTENT_SQL}
        from {STAGED_LINES}
        group by all
        order by billing_period, payer_account_id
        """
    ).fetchall()
    by_index = {file.plan.index: file for file in staged}
    check_one_assembly_per_period(groups, by_index, grouping)
    check_no_shared_identities(con, groups, by_index, grouping)
    check_currencies(groups, existing, by_index)
    planned = []
    for period, payer, file_indexes, currencies, row_count, unblended, on_demand, net, lower, upper in groups:
        fingerprint = delivery_id(period, payer, (f"lines {row_count}", f"lower {lower}", f"upper {upper}"))
        status, replaces = _status(fingerprint, period, payer, existing)
        planned.append(
            PlannedDelivery(
                billing_period=period,
                payer_account_id=payer,
                currency=currencies[0],
                delivery_id=fingerprint,
                source_format=",".join(sorted({by_index[i].source_format for i in file_indexes})),
                source_files=tuple(sorted(by_index[i].path for i in file_indexes)),
                row_count=int(row_count),
                total_unblended_cost=float(unblended or 0.0),
                total_public_on_demand_cost=on_demand,
                total_net_unblended_cost=net,
                status=status,
                replaces=replaces,
            )
        )
    _stage_delivery_keys(con, planned)
    return planned


def _status(fingerprint: str, period: date, payer: str, existing: Sequence[ExistingDelivery]) -> tuple[str, str | None]:
    for delivery in existing:
        if delivery.delivery_id == fingerprint:
            if delivery.superseded_at is None:
                return ALREADY_LOADED, None
            raise CurLoadError(
                f"This delivery of billing period {period_label(period)} of payer {payer} "
                f"({fingerprint[:12]}) was loaded before and replaced by a later one at "
                f"{delivery.superseded_at:%Y-%m-%d %H:%M}; "
                "loading it again would roll the period back."
            )
    current = [
        delivery
        for delivery in existing
        if delivery.billing_period == period and delivery.payer_account_id == payer and delivery.superseded_at is None
    ]
    if current:
        return REPLACED, current[0].delivery_id
    return LOADED, None


def _stage_delivery_keys(con: duckdb.DuckDBPyConnection, planned: Sequence[PlannedDelivery]) -> None:
    """A small temp table joining each staged line to its delivery (only those to write)."""
    con.execute(
        f"create or replace temp table {STAGED_DELIVERIES} "
        "(billing_period date, payer_account_id varchar, delivery_id varchar)"
    )
    rows = [(d.billing_period, d.payer_account_id, d.delivery_id) for d in planned if d.to_write]
    if rows:
        con.executemany(f"insert into {STAGED_DELIVERIES} values (?, ?, ?)", rows)
