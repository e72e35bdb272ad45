"""What the loader needs from a warehouse; DuckDB and Postgres implement it the same way."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import duckdb

from cloudcost.loader.deliveries import STAGED_DELIVERIES, ExistingDelivery, PlannedDelivery
from cloudcost.loader.staging import STAGED_LINES
from cloudcost.schema import (
    DELIVERY_COLUMNS,
    DELIVERY_TOTAL_COLUMNS,
    RAW_LINE_ITEM_COLUMNS,
    RawColumn,
    create_table_sql,
)
from cloudcost.settings import RAW_SCHEMA
from cloudcost.sql_text import sql_string

LINE_ITEMS = "raw_cur_line_items"
DELIVERIES = "raw_cur_deliveries"
DELIVERY_TOTALS = "raw_cur_delivery_totals"

RAW_TABLES: tuple[tuple[str, tuple[RawColumn, ...]], ...] = (
    (LINE_ITEMS, RAW_LINE_ITEM_COLUMNS),
    (DELIVERIES, DELIVERY_COLUMNS),
    (DELIVERY_TOTALS, DELIVERY_TOTAL_COLUMNS),
)

EXISTING_DELIVERIES_SQL = (
    f"select delivery_id, billing_period, payer_account_id, currency, superseded_at "
    f"from {RAW_SCHEMA}.{DELIVERIES} order by loaded_at, delivery_id"
)


def create_raw_tables_sql(engine: str) -> list[str]:
    statements = [f"create schema if not exists {RAW_SCHEMA}"]
    statements += [create_table_sql(engine, RAW_SCHEMA, table, columns) for table, columns in RAW_TABLES]
    return statements


def replace_period_sql(placeholder: str) -> list[str]:
    """Delete a period's lines of one payer and mark its current delivery superseded (in that order)."""
    return [
        f"delete from {RAW_SCHEMA}.{LINE_ITEMS} "
        f"where bill_payer_account_id = {placeholder} "
        f"and cast(bill_billing_period_start_date as date) = {placeholder}",
        f"update {RAW_SCHEMA}.{DELIVERIES} set superseded_at = {placeholder} "
        f"where payer_account_id = {placeholder} and billing_period = {placeholder} "
        "and superseded_at is null",
    ]


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
            sum(lines.line_item_unblended_cost::decimal(38, 10))::double as unblended_cost,
            sum(lines.pricing_public_on_demand_cost::decimal(38, 10))::double as public_on_demand_cost,
            sum(lines.line_item_net_unblended_cost::decimal(38, 10))::double as net_unblended_cost
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


def column_list(columns: Sequence[RawColumn]) -> str:
    return ", ".join(column.name for column in columns)


class Target(Protocol):
    """A warehouse the loader writes to; staging always happens in a DuckDB connection."""

    name: str

    @property
    def staging(self) -> duckdb.DuckDBPyConnection: ...

    def existing_deliveries(self) -> list[ExistingDelivery]: ...

    def write(self, planned: Sequence[PlannedDelivery], loaded_at: datetime, progress: bool) -> None: ...

    def close(self) -> None: ...
