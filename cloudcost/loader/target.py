"""What the loader needs from a warehouse; DuckDB and Postgres implement it the same way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import duckdb

from cloudcost.loader.deliveries import ExistingDelivery, PlannedDelivery
from cloudcost.schema import (
    DELIVERY_COLUMNS,
    DELIVERY_TOTAL_COLUMNS,
    RAW_LINE_ITEM_COLUMNS,
    RawColumn,
    create_table_sql,
)
from cloudcost.settings import RAW_SCHEMA

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
