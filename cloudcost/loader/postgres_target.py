"""Write to Postgres: DuckDB reads and normalizes, then COPY ... FROM STDIN (CSV) in one transaction."""

from __future__ import annotations

import contextlib
import io
import queue
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.csv as pacsv
from tqdm import tqdm

from cloudcost.loader.deliveries import ExistingDelivery, PlannedDelivery
from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.flavour import first_line
from cloudcost.loader.locks import advisory_key, lock_periods
from cloudcost.loader.target import (
    DELIVERIES,
    DELIVERY_TOTALS,
    EXISTING_DELIVERIES_SQL,
    LINE_ITEMS,
    column_list,
    create_raw_tables_sql,
    delivery_rows,
    delivery_totals_sql,
    lines_to_write_sql,
    replace_period_sql,
)
from cloudcost.resources import apply, duckdb_resources
from cloudcost.schema import DELIVERY_COLUMNS, DELIVERY_TOTAL_COLUMNS, RAW_LINE_ITEM_COLUMNS
from cloudcost.settings import RAW_SCHEMA, Settings
from cloudcost.warehouse import ensure_postgres_database

BATCH_ROWS = 50_000
_PREFETCH = 4
_WRITE_OPTIONS = pacsv.WriteOptions(include_header=False)


class CsvStream(io.RawIOBase):
    """A readable file of CSV text made from DuckDB result batches, for psycopg2's ``copy_expert``.

    A background thread turns the next batches into CSV (DuckDB and Arrow release the GIL) while
    Postgres parses the current one; at most ``_PREFETCH`` chunks wait in memory.
    """

    def __init__(self, batches: Iterator[Any], on_rows: Callable[[int], None] | None = None) -> None:
        self._on_rows = on_rows
        self._chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=_PREFETCH)
        self._stop = threading.Event()
        self._chunk = b""
        self._position = 0
        self._finished = False
        self._worker = threading.Thread(target=self._produce, args=(batches,), daemon=True)
        self._worker.start()

    def readable(self) -> bool:
        return True

    def _put(self, item: bytes | BaseException | None) -> bool:
        while not self._stop.is_set():
            try:
                self._chunks.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self, batches: Iterator[Any]) -> None:
        try:
            for batch in batches:
                if batch.num_rows == 0:
                    continue
                sink = io.BytesIO()
                pacsv.write_csv(batch, sink, _WRITE_OPTIONS)
                if not self._put(sink.getvalue()):
                    return
                if self._on_rows is not None:
                    self._on_rows(batch.num_rows)
            self._put(None)
        except BaseException as error:  # handed to the reading thread, which raises it
            self._put(error)

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (the rest of the current chunk when fewer); b"" at the end."""
        if self._position >= len(self._chunk):
            if self._finished:
                return b""
            item = self._chunks.get()
            if isinstance(item, BaseException):
                self._finished = True
                raise item
            if item is None:
                self._finished = True
                return b""
            self._chunk, self._position = item, 0
        end = len(self._chunk) if size < 0 else self._position + size
        data = self._chunk[self._position : end]
        self._position += len(data)
        return data

    def close(self) -> None:
        self._stop.set()
        self._worker.join()
        super().close()


class PostgresTarget:
    name = "postgres"

    def __init__(self, settings: Settings) -> None:
        import psycopg2

        try:
            ensure_postgres_database(settings)
            self._pg = psycopg2.connect(settings.pg_dsn)
        except psycopg2.Error as error:
            where = f"{settings.pg_host}:{settings.pg_port}/{settings.pg_database}"
            raise CurLoadError(f"Cannot connect to Postgres at {where}: {first_line(error)}") from error
        self.settings = settings
        self._spill = tempfile.TemporaryDirectory(prefix="cloudcost-load-")
        self._duck = duckdb.connect()
        apply(self._duck, duckdb_resources(spill_folder=Path(self._spill.name)))

    @property
    def staging(self) -> duckdb.DuckDBPyConnection:
        return self._duck

    def existing_deliveries(self) -> list[ExistingDelivery]:
        with self._pg.cursor() as cur:
            cur.execute("select to_regclass(%s)", (f"{RAW_SCHEMA}.{DELIVERIES}",))
            row = cur.fetchone()
            if row is None or row[0] is None:
                self._pg.rollback()
                return []
            cur.execute(EXISTING_DELIVERIES_SQL)
            existing = [ExistingDelivery(*found) for found in cur.fetchall()]
        self._pg.rollback()
        return existing

    def _copy(self, cur: Any, table: str, columns: str, query: str, on_rows: Callable[[int], None] | None) -> None:
        reader = self._duck.sql(query).to_arrow_reader(BATCH_ROWS)
        stream = CsvStream(iter(reader), on_rows)
        try:
            cur.copy_expert(f"copy {RAW_SCHEMA}.{table} ({columns}) from stdin with (format csv)", stream, size=1 << 20)
        finally:
            stream.close()

    def write(self, planned: Sequence[PlannedDelivery], loaded_at: datetime, progress: bool) -> None:
        """One transaction holding a lock per (payer, billing period) it replaces (see ``period_locks``)."""
        import psycopg2

        to_write = [delivery for delivery in planned if delivery.to_write]
        if not to_write:
            return
        try:
            self._create_tables()
            with self._pg.cursor() as cur:
                lock_periods(cur, to_write)
                self._write_locked(cur, to_write, loaded_at, progress)
            self._pg.commit()
        except BaseException as error:
            with contextlib.suppress(psycopg2.Error):  # a lost connection has nothing left to roll back
                self._pg.rollback()
            if isinstance(error, psycopg2.Error):
                raise CurLoadError(
                    f"writing to Postgres database {self.settings.pg_database} failed: {first_line(error)}",
                    fix="The warehouse is unchanged; free disk space (or raise temp_file_limit), then run again.",
                ) from error
            raise

    def _create_tables(self) -> None:
        """Create the raw tables once, in their own short transaction under one lock (two first loads at
        the same time would otherwise race on ``create table if not exists``)."""
        with self._pg.cursor() as cur:
            cur.execute("select pg_advisory_xact_lock(%s)", (advisory_key("cloudcost raw tables"),))
            for statement in create_raw_tables_sql("postgres"):
                cur.execute(statement)
        self._pg.commit()

    def _write_locked(self, cur: Any, to_write: Sequence[PlannedDelivery], loaded_at: datetime, progress: bool) -> None:
        delete_lines, supersede = replace_period_sql("%s")
        for delivery in to_write:
            cur.execute(delete_lines, (delivery.payer_account_id, delivery.billing_period))
            cur.execute(supersede, (loaded_at, delivery.payer_account_id, delivery.billing_period))
        cur.executemany(
            f"insert into {RAW_SCHEMA}.{DELIVERIES} ({column_list(DELIVERY_COLUMNS)}) "
            f"values ({', '.join('%s' for _ in DELIVERY_COLUMNS)})",
            delivery_rows(to_write, loaded_at),
        )
        self._copy(cur, DELIVERY_TOTALS, column_list(DELIVERY_TOTAL_COLUMNS), delivery_totals_sql(), None)
        columns = [column.name for column in RAW_LINE_ITEM_COLUMNS]
        with tqdm(
            total=sum(d.row_count for d in to_write),
            unit=" rows",
            unit_scale=True,
            desc="copying to Postgres",
            disable=None if progress else True,
        ) as bar:
            self._copy(cur, LINE_ITEMS, ", ".join(columns), lines_to_write_sql(columns, loaded_at), bar.update)

    def close(self) -> None:
        try:
            self._pg.close()
            self._duck.close()
        finally:
            self._spill.cleanup()
