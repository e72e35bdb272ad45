"""Write to a DuckDB file: stage in a temp table of the same connection, then one transaction."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import duckdb

from cloudcost.loader.deliveries import ExistingDelivery, PlannedDelivery
from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.flavour import first_line
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


def open_error(path: Path, error: duckdb.Error) -> CurLoadError:
    """One line for a warehouse file that cannot be opened; a lock held by another process said plainly."""
    text = str(error)
    if "lock" in text.lower():
        return CurLoadError(
            f"another cloudcost process is using the warehouse {path} (a load, a build or the dashboard)",
            fix="Wait until it has finished, then run again.",
        )
    return CurLoadError(f"cannot open the DuckDB warehouse {path}: {first_line(error)}")


def write_error(path: Path, error: duckdb.Error) -> CurLoadError:
    """A write that failed (disk full, out of memory, I/O): the transaction was rolled back."""
    return CurLoadError(
        f"writing to the DuckDB warehouse {path} failed: {first_line(error)}",
        fix="The warehouse is unchanged; free disk space or memory, then run again.",
    )


def _roll_back(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open (DuckDB ends it itself after some fatal errors)."""
    with contextlib.suppress(duckdb.Error):
        con.execute("rollback")


class DuckDBTarget:
    name = "duckdb"

    def __init__(self, settings: Settings) -> None:
        settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
        self.path = settings.duckdb_path
        try:
            self._con = duckdb.connect(str(settings.duckdb_path))
        except duckdb.Error as error:
            raise open_error(settings.duckdb_path, error) from error
        # bounded memory: the staged lines and the insert spill to <warehouse>.tmp past the limit
        apply(self._con, duckdb_resources(settings.duckdb_path))

    @property
    def staging(self) -> duckdb.DuckDBPyConnection:
        return self._con

    def existing_deliveries(self) -> list[ExistingDelivery]:
        exists = self._con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ? "
            "and table_catalog = current_database()",
            [RAW_SCHEMA, DELIVERIES],
        ).fetchone()
        if not exists or not exists[0]:
            return []
        return [ExistingDelivery(*row) for row in self._con.execute(EXISTING_DELIVERIES_SQL).fetchall()]

    def write(self, planned: Sequence[PlannedDelivery], loaded_at: datetime, progress: bool) -> None:
        """One transaction; DuckDB's own progress bar (set while staging) covers the long insert."""
        to_write = [delivery for delivery in planned if delivery.to_write]
        if not to_write:
            return
        con = self._con
        con.execute("begin transaction")
        try:
            for statement in create_raw_tables_sql("duckdb"):
                con.execute(statement)
            delete_lines, supersede = replace_period_sql("?")
            for delivery in to_write:
                con.execute(delete_lines, [delivery.payer_account_id, delivery.billing_period])
                con.execute(supersede, [loaded_at, delivery.payer_account_id, delivery.billing_period])
            con.executemany(
                f"insert into {RAW_SCHEMA}.{DELIVERIES} ({column_list(DELIVERY_COLUMNS)}) "
                f"values ({', '.join('?' for _ in DELIVERY_COLUMNS)})",
                delivery_rows(to_write, loaded_at),
            )
            con.execute(
                f"insert into {RAW_SCHEMA}.{DELIVERY_TOTALS} ({column_list(DELIVERY_TOTAL_COLUMNS)})\n"
                f"{delivery_totals_sql()}"
            )
            columns = [column.name for column in RAW_LINE_ITEM_COLUMNS]
            con.execute("set preserve_insertion_order = false")  # the raw table has no order
            con.execute(
                f"insert into {RAW_SCHEMA}.{LINE_ITEMS} ({', '.join(columns)})\n"
                f"{lines_to_write_sql(columns, loaded_at)}"
            )
            con.execute("commit")
        except BaseException as error:
            _roll_back(con)
            if isinstance(error, duckdb.Error) and not isinstance(error, CurLoadError):
                raise write_error(self.path, error) from error
            raise

    def close(self) -> None:
        self._con.close()
