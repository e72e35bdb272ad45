"""Write to Postgres: DuckDB reads and normalizes, then COPY ... FROM STDIN (CSV) in one transaction."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

import duckdb
import pyarrow.csv as pacsv
from tqdm import tqdm

from cloudcost.loader.deliveries import (
    ExistingDelivery,
    PlannedDelivery,
    delivery_rows,
    delivery_totals_sql,
    lines_to_write_sql,
)
from cloudcost.loader.target import (
    DELIVERIES,
    DELIVERY_TOTALS,
    EXISTING_DELIVERIES_SQL,
    LINE_ITEMS,
    column_list,
    create_raw_tables_sql,
    replace_period_sql,
)
from cloudcost.schema import DELIVERY_COLUMNS, DELIVERY_TOTAL_COLUMNS, RAW_LINE_ITEM_COLUMNS
from cloudcost.settings import RAW_SCHEMA, Settings
from cloudcost.warehouse import ensure_postgres_database

BATCH_ROWS = 50_000
_WRITE_OPTIONS = pacsv.WriteOptions(include_header=False)


class CsvStream(io.RawIOBase):
    """A readable file of CSV text made from DuckDB result batches, for psycopg2's ``copy_expert``."""

    def __init__(self, batches: Iterator[Any], on_rows: Callable[[int], None] | None = None) -> None:
        self._batches = batches
        self._on_rows = on_rows
        self._chunk = b""
        self._position = 0

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bytes:
        for batch in self._batches:
            if batch.num_rows == 0:
                continue
            sink = io.BytesIO()
            pacsv.write_csv(batch, sink, _WRITE_OPTIONS)
            if self._on_rows is not None:
                self._on_rows(batch.num_rows)
            return sink.getvalue()
        return b""

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (the rest of the current batch when fewer); b"" at the end."""
        if self._position >= len(self._chunk):
            self._chunk, self._position = self._next_chunk(), 0
        end = len(self._chunk) if size < 0 else self._position + size
        data = self._chunk[self._position : end]
        self._position += len(data)
        return data


class PostgresTarget:
    name = "postgres"

    def __init__(self, settings: Settings) -> None:
        import psycopg2

        ensure_postgres_database(settings)
        self.settings = settings
        self._pg = psycopg2.connect(settings.pg_dsn)
        self._spill = tempfile.TemporaryDirectory(prefix="cloudcost-load-")
        self._duck = duckdb.connect()
        self._duck.execute(f"set temp_directory = '{self._spill.name}'")

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

    def _copy(
        self, cur: Any, table: str, columns: str, query: str, on_rows: Callable[[int], None] | None
    ) -> None:
        reader = self._duck.sql(query).to_arrow_reader(BATCH_ROWS)
        stream = CsvStream(iter(reader), on_rows)
        cur.copy_expert(
            f"copy {RAW_SCHEMA}.{table} ({columns}) from stdin with (format csv)", stream, size=1 << 20
        )

    def write(self, planned: Sequence[PlannedDelivery], loaded_at: datetime, progress: bool) -> None:
        to_write = [delivery for delivery in planned if delivery.to_write]
        if not to_write:
            return
        try:
            with self._pg.cursor() as cur:
                for statement in create_raw_tables_sql("postgres"):
                    cur.execute(statement)
                delete_lines, supersede = replace_period_sql("%s")
                for delivery in to_write:
                    cur.execute(delete_lines, (delivery.payer_account_id, delivery.billing_period))
                    cur.execute(supersede, (loaded_at, delivery.payer_account_id, delivery.billing_period))
                cur.executemany(
                    f"insert into {RAW_SCHEMA}.{DELIVERIES} ({column_list(DELIVERY_COLUMNS)}) "
                    f"values ({', '.join('%s' for _ in DELIVERY_COLUMNS)})",
                    delivery_rows(to_write, loaded_at),
                )
                self._copy(
                    cur, DELIVERY_TOTALS, column_list(DELIVERY_TOTAL_COLUMNS), delivery_totals_sql(), None
                )
                columns = [column.name for column in RAW_LINE_ITEM_COLUMNS]
                with tqdm(
                    total=sum(d.row_count for d in to_write),
                    unit=" rows",
                    unit_scale=True,
                    desc="copying to Postgres",
                    disable=None if progress else True,
                ) as bar:
                    self._copy(
                        cur,
                        LINE_ITEMS,
                        ", ".join(columns),
                        lines_to_write_sql(columns, loaded_at),
                        bar.update,
                    )
            self._pg.commit()
        except BaseException:
            self._pg.rollback()
            raise

    def close(self) -> None:
        try:
            self._pg.close()
            self._duck.close()
        finally:
            self._spill.cleanup()
