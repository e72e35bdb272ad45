"""Open a DB-API connection to the configured warehouse (DuckDB file, Postgres, or a Spark build's marts)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cloudcost.settings import Settings, load_settings


@contextmanager
def connect(settings: Settings | None = None, read_only: bool = False) -> Iterator[Any]:
    """Yield a connection; DuckDB gets its parent folder created, Postgres uses the PG* settings."""
    settings = settings or load_settings()
    if settings.target == "spark":
        con = spark_files_connection(settings)
    elif settings.target == "duckdb":
        import duckdb

        settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(settings.duckdb_path), read_only=read_only)
    else:
        import psycopg2

        con = psycopg2.connect(settings.pg_dsn)
        if read_only:
            con.set_session(readonly=True)
    try:
        yield con
    finally:
        con.close()


def fetch_all(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    """Every row of one query on the warehouse (DuckDB executes on the connection, Postgres through a cursor)."""
    with connect(settings) as con:
        if settings.target != "postgres":
            return con.execute(sql).fetchall()
        with con.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()


def spark_marts_folder(settings: Settings) -> Path:
    """Where Spark keeps the `marts` schema's tables (spark.sql.warehouse.dir/marts.db), one folder each."""
    return settings.spark_warehouse / "tables" / "marts.db"


def spark_marts_connection(settings: Settings) -> Any:
    """An in-memory DuckDB whose `marts` schema has a view per mart a Spark build wrote (its Parquet files).

    Readers (export, publish) never start Spark: they read the files the last build left."""
    import duckdb

    con = duckdb.connect()
    _add_table_views(con, spark_marts_folder(settings), "marts")
    return con


def spark_files_connection(settings: Settings) -> Any:
    """`spark_marts_connection` plus the `snapshots` schema's tables and the raw tables the loaders wrote,
    so the CLI reads a Spark warehouse's files with DuckDB's SQL (no Spark session, no catalog lock)."""
    from cloudcost.spark_raw import add_raw_views

    con = spark_marts_connection(settings)
    _add_table_views(con, settings.spark_warehouse / "tables" / "snapshots.db", "snapshots")
    add_raw_views(con, settings)
    return con


def _add_table_views(con: Any, folder: Path, schema: str) -> None:
    """A view in ``schema`` per table folder of a Spark schema folder (``<schema>.db``) that holds files."""
    con.execute(f"create schema if not exists {schema}")
    for table in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not (table.is_dir() and re.fullmatch(r"[a-z_][a-z0-9_]*", table.name)):
            continue
        # a table partitioned by billing_period keeps its files in billing_period=.../ folders
        pattern = "*.parquet" if any(table.glob("*.parquet")) else "*=*/*.parquet"
        if not any(table.glob(pattern)):
            continue
        files = str(table / pattern).replace("'", "''")
        con.execute(
            f"create view {schema}.\"{table.name}\" as select * from read_parquet('{files}', hive_partitioning = true)"
        )


def ensure_postgres_database(settings: Settings) -> None:
    """Create the Postgres database named by PGDATABASE if it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    admin = psycopg2.connect(
        host=settings.pg_host,
        port=settings.pg_port,
        user=settings.pg_user,
        password=settings.pg_password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute("select 1 from pg_database where datname = %s", (settings.pg_database,))
            if cur.fetchone() is None:
                cur.execute(sql.SQL("create database {}").format(sql.Identifier(settings.pg_database)))
    finally:
        admin.close()
