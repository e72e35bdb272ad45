"""Forecast rows in the warehouse: which vintages are loaded, adding new ones, and removing them for a replay.

Raw forecast tables are append-only: a vintage (source + generated_at) is written once. Loading the same
vintage again with the same rows changes nothing; with different rows it is refused, because the snapshot's
timestamp strategy would silently ignore it (a changed forecast needs a new generated_at).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import duckdb

from cloudcost.forecasts.tables import KINDS, ForecastKind, create_table_sql
from cloudcost.settings import Settings
from cloudcost.sql_text import sql_string
from cloudcost.warehouse import connect, fetch_on

HOST_TYPE_RELATION = "marts.dim_host_type"


def _table_exists(con: Any, settings: Settings, schema: str, table: str) -> bool:
    if settings.target != "postgres":  # DuckDB, or DuckDB reading a Spark warehouse's files
        found = con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()
        return bool(found and found[0])
    with con.cursor() as cur:
        cur.execute("select to_regclass(%s)", (f"{schema}.{table}",))
        row = cur.fetchone()
    return row is not None and row[0] is not None


def known_host_types(settings: Settings) -> set[str] | None:
    """Host types of the built dimension, or None when the warehouse has not been built yet."""
    schema, table = HOST_TYPE_RELATION.split(".")
    with connect(settings, read_only=False) as con:
        if not _table_exists(con, settings, schema, table):
            return None
        return {row[0] for row in fetch_on(con, settings, f"select host_type from {HOST_TYPE_RELATION}") if row[0]}


def loaded_vintages(settings: Settings, kind: ForecastKind) -> dict[tuple[str, datetime], int]:
    """(source, generated_at) -> row count of every vintage already in the raw table."""
    with connect(settings) as con:
        if not _table_exists(con, settings, "raw", kind.table):
            return {}
        rows = fetch_on(
            con,
            settings,
            f"select forecast_source, generated_at, count(*) from {kind.qualified_table} "
            "group by forecast_source, generated_at",
        )
    return {(source, generated_at): int(count) for source, generated_at, count in rows}


def _comparable(rows: Iterable[tuple]) -> list[tuple]:
    """Rows as sortable tuples with numbers rounded (engines print doubles differently)."""
    normalized = []
    for row in rows:
        normalized.append(
            tuple(
                "" if value is None else (f"{value:.9g}" if isinstance(value, float) else str(value)) for value in row
            )
        )
    return sorted(normalized)


def _value_columns(kind: ForecastKind) -> list[str]:
    return [name for name, _ in kind.raw_columns if name not in ("source_file", "loaded_at")]


def loaded_rows(settings: Settings, kind: ForecastKind, source: str, generated_at: datetime) -> list[tuple]:
    columns = ", ".join(_value_columns(kind))
    with connect(settings) as con:
        rows = fetch_on(
            con,
            settings,
            f"select {columns} from {kind.qualified_table} where forecast_source = %s and generated_at = %s",
            (source, generated_at),
        )
    return _comparable(rows)


def staged_rows(
    staging: duckdb.DuckDBPyConnection, table: str, kind: ForecastKind, source: str, generated_at: datetime
) -> list[tuple]:
    columns = ", ".join(_value_columns(kind))
    rows = staging.execute(
        f"select {columns} from {table} where forecast_source = ? and generated_at = ?",
        [source, generated_at],
    ).fetchall()
    return _comparable(rows)


def write_vintages(
    settings: Settings,
    staging: duckdb.DuckDBPyConnection,
    to_write: Sequence[tuple[ForecastKind, str, str, datetime]],
    loaded_at: datetime,
) -> None:
    """Insert the given vintages (kind, staged table, source, generated_at) in one transaction."""
    if not to_write:
        return
    with _writable(settings, [item[0] for item in to_write]) as con:
        if settings.target == "postgres":
            _write_postgres(con, staging, to_write, loaded_at)
        else:
            _write_duckdb(con, staging, to_write, loaded_at)


@contextmanager
def _writable(settings: Settings, kinds: Sequence[ForecastKind], create: bool = True) -> Iterator[Any]:
    """A connection to write the raw forecast tables of ``kinds`` through: the warehouse's own, or on Spark
    an in-memory DuckDB whose tables are written back as Parquet at the end (cloudcost.spark_raw)."""
    if settings.target != "spark":
        with connect(settings) as con:
            yield con
        return
    from cloudcost.spark_raw import editable_raw_tables

    tables = {kind.table: create_table_sql(kind) for kind in kinds}
    with editable_raw_tables(settings, tables, create=create) as con:
        yield con


def _selection(kind: ForecastKind, table: str) -> str:
    columns = ", ".join(name for name, _ in kind.raw_columns if name != "loaded_at")
    return f"select {columns}, ? as loaded_at from {table} where forecast_source = ? and generated_at = ?"


def _write_duckdb(
    con: Any,
    staging: duckdb.DuckDBPyConnection,
    to_write: Sequence[tuple[ForecastKind, str, str, datetime]],
    loaded_at: datetime,
) -> None:
    con.execute("begin transaction")
    try:
        for kind in {item[0].name: item[0] for item in to_write}.values():
            for statement in create_table_sql(kind):
                con.execute(statement)
        for kind, table, source, generated_at in to_write:
            batch = staging.sql(_selection(kind, table), params=[loaded_at, source, generated_at]).to_arrow_table()
            con.register("forecast_batch", batch)
            con.execute(f"insert into {kind.qualified_table} select * from forecast_batch")
            con.unregister("forecast_batch")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _write_postgres(
    con: Any,
    staging: duckdb.DuckDBPyConnection,
    to_write: Sequence[tuple[ForecastKind, str, str, datetime]],
    loaded_at: datetime,
) -> None:
    from psycopg2.extras import execute_values

    try:
        with con.cursor() as cur:
            for kind in {item[0].name: item[0] for item in to_write}.values():
                for statement in create_table_sql(kind):
                    cur.execute(statement)
            for kind, table, source, generated_at in to_write:
                rows = staging.execute(_selection(kind, table), [loaded_at, source, generated_at]).fetchall()
                columns = ", ".join(name for name, _ in kind.raw_columns)
                execute_values(cur, f"insert into {kind.qualified_table} ({columns}) values %s", rows, page_size=5000)
        con.commit()
    except Exception:
        con.rollback()
        raise


def delete_vintages(settings: Settings, vintages: Iterable[tuple[str, str, datetime]]) -> int:
    """Remove vintages (kind name, source, generated_at) from the raw tables; returns rows removed."""
    by_kind = {kind.name: kind for kind in KINDS}
    removed = 0
    with _writable(settings, KINDS, create=False) as con:
        for kind_name, source, generated_at in vintages:
            kind = by_kind[kind_name]
            if not _table_exists(con, settings, "raw", kind.table):
                continue
            sql = f"delete from {kind.qualified_table} where forecast_source = %s and generated_at = %s"
            if settings.target != "postgres":
                removed += con.execute(sql.replace("%s", "?"), [source, generated_at]).fetchone()[0]
            else:
                with con.cursor() as cur:
                    cur.execute(sql, (source, generated_at))
                    removed += cur.rowcount
        if settings.target == "postgres":
            con.commit()
    return removed


def delete_sources(settings: Settings, sources: Sequence[str]) -> None:
    """Remove every vintage of the given forecast sources from the raw forecast tables."""
    if not sources:
        return
    quoted = ", ".join(sql_string(source) for source in sorted(set(sources)))
    with _writable(settings, KINDS, create=False) as con:
        for kind in KINDS:
            if not _table_exists(con, settings, "raw", kind.table):
                continue
            sql = f"delete from {kind.qualified_table} where forecast_source in ({quoted})"
            if settings.target == "postgres":
                with con.cursor() as cur:
                    cur.execute(sql)
            else:
                con.execute(sql)
        if settings.target == "postgres":
            con.commit()
