"""Group staged lines into deliveries (billing period x payer) and check them before anything is written.

A delivery is every line of one billing period of one payer among the files given. Two deliveries of the
same period in one load (two manifests' assemblies, or loose files sharing line identities) are refused:
loading both would double count. The currency must be the one already loaded for the payer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.fingerprint import delivery_id, file_sha256
from cloudcost.loader.manifests import Grouping
from cloudcost.loader.naming import sql_string
from cloudcost.loader.staging import STAGED_LINES, StagedFile
from cloudcost.schema import DELIVERY_COLUMNS, KNOWN_LINE_ITEM_TYPES

STAGED_DELIVERIES = "cloudcost_load_deliveries"

LOADED, REPLACED, ALREADY_LOADED = "loaded", "replaced", "already loaded"
_PERIOD_SQL = "cast(bill_billing_period_start_date as date)"


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


def period_label(billing_period: date) -> str:
    return billing_period.strftime("%Y-%m")


def plan_deliveries(
    con: duckdb.DuckDBPyConnection,
    staged: Sequence[StagedFile],
    grouping: Grouping,
    existing: Sequence[ExistingDelivery],
) -> list[PlannedDelivery]:
    """Validate the staged lines and decide, per delivery, whether it is loaded, replaces or is a no-op."""
    _check_keys_present(con)
    _check_line_item_types(con)
    groups = con.execute(
        f"""
        select {_PERIOD_SQL} as billing_period, bill_payer_account_id as payer_account_id,
            list(distinct source_file_index order by source_file_index) as file_indexes,
            list(distinct line_item_currency_code order by line_item_currency_code) as currencies,
            count(*) as row_count, sum(line_item_unblended_cost) as total_unblended_cost,
            sum(pricing_public_on_demand_cost) as total_public_on_demand_cost,
            sum(line_item_net_unblended_cost) as total_net_unblended_cost
        from {STAGED_LINES}
        group by all
        order by billing_period, payer_account_id
        """
    ).fetchall()
    by_index = {file.plan.index: file for file in staged}
    _check_one_assembly_per_period(groups, by_index, grouping)
    _check_no_shared_identities(con, groups, by_index, grouping)
    _check_currencies(groups, existing)
    digests: dict[int, str] = {}
    planned = []
    for period, payer, file_indexes, currencies, row_count, unblended, on_demand, net in groups:
        for index in file_indexes:
            if index not in digests:
                digests[index] = file_sha256(Path(by_index[index].path))
        fingerprint = delivery_id(period, payer, (digests[index] for index in file_indexes))
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


def _check_keys_present(con: duckdb.DuckDBPyConnection) -> None:
    found = con.execute(
        f"""
        select source_file,
            count(*) filter (where bill_billing_period_start_date is null) as without_period,
            count(*) filter (where bill_payer_account_id is null) as without_payer,
            count(*) filter (where line_item_currency_code is null) as without_currency
        from {STAGED_LINES}
        group by source_file
        having without_period + without_payer + without_currency > 0
        order by source_file
        limit 1
        """
    ).fetchone()
    if found is not None:
        source_file, without_period, without_payer, without_currency = found
        column, count = next(
            (name, count)
            for name, count in (
                ("bill_billing_period_start_date", without_period),
                ("bill_payer_account_id", without_payer),
                ("line_item_currency_code", without_currency),
            )
            if count
        )
        raise CurLoadError(f"{source_file}: {count} line(s) have no {column}, which every CUR line needs.")


def _check_line_item_types(con: duckdb.DuckDBPyConnection) -> None:
    known = ", ".join(sql_string(name) for name in sorted(KNOWN_LINE_ITEM_TYPES))
    found = con.execute(
        f"""
        select line_item_line_item_type, {_PERIOD_SQL} as billing_period, source_file, count(*) as line_count
        from {STAGED_LINES}
        where line_item_line_item_type is null or line_item_line_item_type not in ({known})
        group by all
        order by source_file, billing_period, line_item_line_item_type
        limit 1
        """
    ).fetchone()
    if found is not None:
        line_item_type, period, source_file, count = found
        raise CurLoadError(
            f"Unknown line item type {line_item_type!r} ({count} line(s)) in billing period "
            f"{period_label(period)} of {source_file}: classify it in cloudcost.schema.KNOWN_LINE_ITEM_TYPES "
            "and the cost layers before loading."
        )


def _assembly_key(path: str, grouping: Grouping) -> str:
    assembly = grouping.assembly_of.get(Path(path))
    return f"manifest {assembly}" if assembly is not None else "files without a manifest"


def _check_one_assembly_per_period(
    groups: Sequence[tuple], by_index: dict[int, StagedFile], grouping: Grouping
) -> None:
    for period, payer, file_indexes, *_ in groups:
        assemblies: dict[str, list[str]] = {}
        for index in file_indexes:
            path = by_index[index].path
            assemblies.setdefault(_assembly_key(path, grouping), []).append(path)
        if len(assemblies) > 1:
            (first_key, first_files), (second_key, second_files) = list(assemblies.items())[:2]
            raise CurLoadError(
                f"Billing period {period_label(period)} of payer {payer} comes from two deliveries in "
                f"this load ({first_key}: {first_files[0]}; {second_key}: {second_files[0]}); loading both "
                "would double count: load one delivery per period."
            )


def _check_no_shared_identities(
    con: duckdb.DuckDBPyConnection,
    groups: Sequence[tuple],
    by_index: dict[int, StagedFile],
    grouping: Grouping,
) -> None:
    """Loose files of one period must not repeat each other's lines (the same delivery given twice)."""
    loose = [
        index
        for _period, _payer, file_indexes, *_ in groups
        if len(file_indexes) > 1
        for index in file_indexes
        if grouping.assembly_of.get(Path(by_index[index].path)) is None
    ]
    if len(loose) < 2:
        return
    found = con.execute(
        f"""
        with shared_identities as (
            select {_PERIOD_SQL} as billing_period, bill_payer_account_id as payer_account_id,
                identity_line_item_id, identity_time_interval,
                min(source_file_index) as first_file, max(source_file_index) as second_file
            from {STAGED_LINES}
            where source_file_index in ({", ".join(map(str, sorted(set(loose))))})
                and identity_line_item_id is not null
            group by all
            having min(source_file_index) <> max(source_file_index)
        )
        select billing_period, payer_account_id, first_file, second_file, count(*) over () as shared_lines
        from shared_identities
        order by billing_period, payer_account_id, first_file, second_file
        limit 1
        """
    ).fetchone()
    if found is not None:
        period, payer, first_file, second_file, shared_lines = found
        raise CurLoadError(
            f"Billing period {period_label(period)} of payer {payer} is delivered twice in this load: "
            f"{by_index[first_file].path} and {by_index[second_file].path} share {shared_lines} line "
            "identities (identity_line_item_id, identity_time_interval); loading both would double count."
        )


def _check_currencies(groups: Sequence[tuple], existing: Sequence[ExistingDelivery]) -> None:
    known: dict[str, tuple[str, str]] = {}
    for delivery in existing:
        known.setdefault(delivery.payer_account_id, (delivery.currency, "already loaded"))
    for period, payer, _files, currencies, *_ in groups:
        label = period_label(period)
        if len(currencies) > 1:
            raise CurLoadError(
                f"Billing period {label} of payer {payer} mixes currencies ({', '.join(currencies)}); "
                "a payer's CUR has one currency."
            )
        currency = currencies[0]
        previous = known.setdefault(payer, (currency, f"billing period {label} in this load"))
        if previous[0] != currency:
            raise CurLoadError(
                f"Billing period {label} of payer {payer} is in {currency}, but {previous[0]} is the "
                f"currency of payer {payer} ({previous[1]})."
            )


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


def lines_to_write_sql(columns: Sequence[str], loaded_at: datetime) -> str:
    """The staged lines of the deliveries to write, in raw table column order."""
    selected = []
    for column in columns:
        if column == "delivery_id":
            selected.append("keys.delivery_id")
        elif column == "loaded_at":
            selected.append(f"cast({sql_string(loaded_at.isoformat(sep=' '))} as timestamp) as loaded_at")
        else:
            selected.append(f"lines.{column}")
    return (
        f"select {', '.join(selected)}\n"
        f"from {STAGED_LINES} as lines\n"
        f"inner join {STAGED_DELIVERIES} as keys\n"
        f"    on cast(lines.bill_billing_period_start_date as date) = keys.billing_period\n"
        f"    and lines.bill_payer_account_id = keys.payer_account_id"
    )


def delivery_totals_sql() -> str:
    """Each delivery's totals by invoice, billing entity, account, service, line item type and currency."""
    return f"""
        select keys.delivery_id, keys.billing_period, keys.payer_account_id,
            lines.bill_invoice_id as invoice_id,
            lines.bill_billing_entity as billing_entity,
            lines.line_item_usage_account_id as usage_account_id,
            lines.line_item_product_code as product_code,
            lines.line_item_line_item_type as line_item_type,
            lines.line_item_currency_code as currency,
            cast(count(*) as double) as row_count,
            sum(lines.line_item_unblended_cost) as unblended_cost,
            sum(lines.pricing_public_on_demand_cost) as public_on_demand_cost,
            sum(lines.line_item_net_unblended_cost) as net_unblended_cost
        from {STAGED_LINES} as lines
        inner join {STAGED_DELIVERIES} as keys
            on cast(lines.bill_billing_period_start_date as date) = keys.billing_period
            and lines.bill_payer_account_id = keys.payer_account_id
        group by all
        order by all
    """


def delivery_rows(planned: Sequence[PlannedDelivery], loaded_at: datetime) -> list[tuple]:
    """raw_cur_deliveries rows for the deliveries to write, in the table's column order."""
    rows = []
    for d in planned:
        if not d.to_write:
            continue
        values = {
            "delivery_id": d.delivery_id,
            "billing_period": d.billing_period,
            "payer_account_id": d.payer_account_id,
            "currency": d.currency,
            "source_format": d.source_format,
            "source_files": json.dumps(list(d.source_files)),
            "row_count": float(d.row_count),
            "total_unblended_cost": d.total_unblended_cost,
            "total_public_on_demand_cost": d.total_public_on_demand_cost,
            "total_net_unblended_cost": d.total_net_unblended_cost,
            "loaded_at": loaded_at,
            "superseded_at": None,
        }
        rows.append(tuple(values[column.name] for column in DELIVERY_COLUMNS))
    return rows
