"""Write the raw tables of a Spark warehouse as Parquet folders (no Spark session needed to load).

Layout under ``<CLOUDCOST_SPARK_WAREHOUSE>/raw/``::

    raw_cur_line_items/billing_period=YYYY-MM-DD/payer_account_id=ID/part-0.parquet
    raw_cur_delivery_totals/billing_period=YYYY-MM-DD/payer_account_id=ID/part-0.parquet
    raw_cur_deliveries/part-0.parquet          (the whole bookkeeping table: small)

Every Parquet file keeps all of its table's columns, so Spark reads a table folder as it is. A load stages
the files in DuckDB (as on the other engines), writes each replaced (period, payer) folder of both
partitioned tables under ``_pending/<delivery id>/``, then replaces ``raw_cur_deliveries/part-0.parquet`` with
one rename: that rename is the commit. Only then are the pending folders moved into place (old folder aside,
new folder in, old folder removed). A load that dies before the commit leaves the tables as they were (its
pending folders are removed by the next load); one that dies after it is rolled forward by the next load or
build (``finish_pending``), because the pending folder names a delivery the bookkeeping already records.
docs/spark.md says what this guarantees on local disk, HDFS and S3.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO

import duckdb

from cloudcost.loader.deliveries import ExistingDelivery, PlannedDelivery
from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.flavour import first_line
from cloudcost.loader.target import (
    DELIVERIES,
    DELIVERY_TOTALS,
    LINE_ITEMS,
    column_list,
    create_raw_tables_sql,
    delivery_rows,
    delivery_totals_sql,
    lines_to_write_sql,
)
from cloudcost.schema import DELIVERY_COLUMNS, DELIVERY_TOTAL_COLUMNS, RAW_LINE_ITEM_COLUMNS, RawColumn
from cloudcost.settings import RAW_SCHEMA, Settings
from cloudcost.sql_text import sql_string

PARTITIONED = (LINE_ITEMS, DELIVERY_TOTALS)
PART_FILE = "part-0.parquet"
PENDING = "_pending"
LOCK_FILE = ".load.lock"


def raw_folder(settings: Settings) -> Path:
    return settings.spark_warehouse / "raw"


def partition_path(table_folder: Path, billing_period: date, payer_account_id: str) -> Path:
    return table_folder / f"billing_period={billing_period.isoformat()}" / f"payer_account_id={payer_account_id}"


def _select_with_utc(columns: Sequence[RawColumn], relation: str, where: str = "") -> str:
    """The rows of a raw table with timestamps written as UTC instants (Spark reads them as TIMESTAMP)."""
    selected = [f"cast({c.name} as timestamptz) as {c.name}" if c.type == "timestamp" else c.name for c in columns]
    return f"select {', '.join(selected)} from {relation} {where}"


def _copy(con: duckdb.DuckDBPyConnection, query: str, path: Path, params: Sequence[object] = ()) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy ({query}) to {sql_string(str(path))} (format parquet, compression zstd)", list(params))


def finish_pending(raw: Path) -> None:
    """Move committed pending partitions into place; remove the ones no committed delivery names."""
    pending = raw / PENDING
    if not pending.is_dir():
        return
    committed = _committed_delivery_ids(raw)
    for delivery_folder in sorted(pending.iterdir()):
        if delivery_folder.name in committed:
            for table in PARTITIONED:
                staged_table = delivery_folder / table
                for staged in sorted(staged_table.glob("billing_period=*/payer_account_id=*")):
                    _swap_in(staged, raw / table / staged.relative_to(staged_table))
        shutil.rmtree(delivery_folder, ignore_errors=True)


def _committed_delivery_ids(raw: Path) -> set[str]:
    deliveries = raw / DELIVERIES / PART_FILE
    if not deliveries.exists():
        return set()
    con = duckdb.connect()
    try:
        rows = con.execute(f"select delivery_id from read_parquet({sql_string(str(deliveries))})").fetchall()
    finally:
        con.close()
    return {str(row[0]) for row in rows}


def _swap_in(staged: Path, final: Path) -> None:
    """Old partition folder aside, the new one in (one rename each), then the old one removed."""
    final.parent.mkdir(parents=True, exist_ok=True)
    aside = final.with_name(f".old-{final.name}-{uuid.uuid4().hex[:8]}")
    if final.exists():
        os.replace(final, aside)
    os.replace(staged, final)
    shutil.rmtree(aside, ignore_errors=True)


class RawLock:
    """The raw folder's write lock (one load at a time, CUR, forecast or finance files), held until released."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    def release(self) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()


def hold_raw_lock(raw: Path, settings: Settings) -> RawLock:
    """Take the raw folder's write lock or stop with a clear message when another load holds it."""
    raw.mkdir(parents=True, exist_ok=True)
    handle = open(raw / LOCK_FILE, "w")  # noqa: SIM115 - held until release()
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        handle.close()
        raise CurLoadError(
            f"another cloudcost load is writing the Spark warehouse {settings.spark_warehouse}",
            fix="Wait until it has finished, then run again.",
        ) from error
    return RawLock(handle)


class SparkTarget:
    """Stages in an in-memory DuckDB; writes Parquet folders a Spark catalog reads (cloudcost_register_raw)."""

    name = "spark"

    def __init__(self, settings: Settings) -> None:
        self.raw = raw_folder(settings)
        self._lock = hold_raw_lock(self.raw, settings)
        finish_pending(self.raw)
        self._con = duckdb.connect()
        self._con.execute("set TimeZone = 'UTC'")
        for statement in create_raw_tables_sql("duckdb"):
            self._con.execute(statement)
        deliveries = self.raw / DELIVERIES / PART_FILE
        if deliveries.exists():
            self._con.execute(
                f"insert into {RAW_SCHEMA}.{DELIVERIES} select {column_list(DELIVERY_COLUMNS)} "
                f"from read_parquet({sql_string(str(deliveries))})"
            )

    @property
    def staging(self) -> duckdb.DuckDBPyConnection:
        return self._con

    def existing_deliveries(self) -> list[ExistingDelivery]:
        rows = self._con.execute(
            f"select delivery_id, billing_period, payer_account_id, currency, superseded_at "
            f"from {RAW_SCHEMA}.{DELIVERIES} order by loaded_at, delivery_id"
        ).fetchall()
        return [ExistingDelivery(*row) for row in rows]

    def write(self, planned: Sequence[PlannedDelivery], loaded_at: datetime, progress: bool) -> None:
        to_write = [delivery for delivery in planned if delivery.to_write]
        if not to_write:
            return
        con = self._con
        try:
            self._stage_partitions(to_write, loaded_at)
            for delivery in to_write:
                con.execute(
                    f"update {RAW_SCHEMA}.{DELIVERIES} set superseded_at = ? "
                    "where payer_account_id = ? and billing_period = ? and superseded_at is null",
                    [loaded_at, delivery.payer_account_id, delivery.billing_period],
                )
            con.executemany(
                f"insert into {RAW_SCHEMA}.{DELIVERIES} ({column_list(DELIVERY_COLUMNS)}) "
                f"values ({', '.join('?' for _ in DELIVERY_COLUMNS)})",
                delivery_rows(to_write, loaded_at),
            )
            self._commit_deliveries()
        except duckdb.Error as error:
            raise CurLoadError(
                f"writing the Spark warehouse's raw Parquet under {self.raw} failed: {first_line(error)}",
                fix="The raw tables are unchanged; free disk space or memory, then run again.",
            ) from error
        finish_pending(self.raw)

    def _stage_partitions(self, to_write: Sequence[PlannedDelivery], loaded_at: datetime) -> None:
        """Each delivery's lines and totals as Parquet under _pending/<delivery id>/ (nothing visible yet)."""
        con = self._con
        columns = [column.name for column in RAW_LINE_ITEM_COLUMNS]
        lines = lines_to_write_sql(columns, loaded_at)
        con.execute(f"create or replace temp table cloudcost_lines_to_write as {lines}")
        con.execute(f"create or replace temp table cloudcost_totals_to_write as {delivery_totals_sql()}")
        tables = (
            (
                LINE_ITEMS,
                "cloudcost_lines_to_write",
                RAW_LINE_ITEM_COLUMNS,
                "bill_payer_account_id",
                "cast(bill_billing_period_start_date as date)",
            ),
            (
                DELIVERY_TOTALS,
                "cloudcost_totals_to_write",
                DELIVERY_TOTAL_COLUMNS,
                "payer_account_id",
                "billing_period",
            ),
        )
        for delivery in to_write:
            pending = self.raw / PENDING / delivery.delivery_id
            shutil.rmtree(pending, ignore_errors=True)
            for table, relation, raw_columns, payer_column, period_expr in tables:
                folder = partition_path(pending / table, delivery.billing_period, delivery.payer_account_id)
                where = f"where {payer_column} = ? and {period_expr} = ?"
                query = _select_with_utc(raw_columns, relation, where)
                current = partition_path(self.raw / table, delivery.billing_period, delivery.payer_account_id)
                if table == DELIVERY_TOTALS and any(current.glob("*.parquet")):
                    # as on the other engines, a period keeps the totals of every delivery (restatements are
                    # measured against the delivery they replace); only its line items are replaced
                    files = sql_string(str(current / "*.parquet"))
                    query += f" union all select {column_list(raw_columns)} from read_parquet({files})"
                _copy(con, query, folder / PART_FILE, [delivery.payer_account_id, delivery.billing_period])
        con.execute("drop table cloudcost_lines_to_write")
        con.execute("drop table cloudcost_totals_to_write")

    def _commit_deliveries(self) -> None:
        """The new bookkeeping table written aside, then renamed over the old one (the commit)."""
        final = self.raw / DELIVERIES / PART_FILE
        staged = final.with_name(f".{PART_FILE}.{uuid.uuid4().hex[:8]}")
        query = _select_with_utc(DELIVERY_COLUMNS, f"{RAW_SCHEMA}.{DELIVERIES}", "order by loaded_at, delivery_id")
        _copy(self._con, query, staged)
        os.replace(staged, final)

    def close(self) -> None:
        self._con.close()
        self._lock.release()
