"""Open a DB-API connection to the configured warehouse (DuckDB file, Postgres, or a Spark build's marts)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cloudcost.settings import Settings, load_settings
from cloudcost.sql_text import quote_identifier, sql_string


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


def fetch_on(con: Any, settings: Settings, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Every row of one query on an open connection. ``%s`` marks a bound parameter on every engine (DuckDB's
    ``?``); DuckDB (and a Spark build's marts, read through DuckDB) executes on the connection, Postgres through a
    cursor."""
    if settings.target != "postgres":
        return con.execute(sql.replace("%s", "?") if params else sql, list(params)).fetchall()
    with con.cursor() as cur:
        cur.execute(sql, tuple(params) if params else None)
        return cur.fetchall()


def fetch_all(
    settings: Settings, sql: str, params: Sequence[Any] = (), read_only: bool = False
) -> list[tuple[Any, ...]]:
    """Every row of one query on the warehouse, on a connection of its own (see `fetch_on`)."""
    with connect(settings, read_only=read_only) as con:
        return fetch_on(con, settings, sql, params)


Statement = str | tuple[str, Sequence[Any]]


def execute_all(settings: Settings, statements: Sequence[Statement]) -> None:
    """Run the statements in order in one transaction: all of them take effect, or none. A statement is SQL, or
    SQL with ``%s`` marks and the parameters bound to them."""
    with connect(settings) as con:
        if settings.target == "postgres":
            with con.cursor() as cur:
                for statement in statements:
                    sql, params = (statement, None) if isinstance(statement, str) else statement
                    cur.execute(sql, tuple(params) if params else None)
            con.commit()
            return
        con.execute("begin transaction")
        try:
            for statement in statements:
                sql, params = (statement, ()) if isinstance(statement, str) else statement
                con.execute(sql.replace("%s", "?") if params else sql, list(params))
        except Exception:
            con.execute("rollback")
            raise
        con.execute("commit")


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
        files = sql_string(str(table / pattern))
        con.execute(
            f"create view {schema}.{quote_identifier(table.name)} as select * from read_parquet({files}, "
            "hive_partitioning = true)"
        )


@contextmanager
def postgres_admin(settings: Settings) -> Iterator[Any]:
    """A cursor on the server's `postgres` database in autocommit (to create or drop databases)."""
    import psycopg2

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
            yield cur
    finally:
        admin.close()


def ensure_postgres_database(settings: Settings) -> None:
    """Create the Postgres database named by PGDATABASE if it does not exist yet."""
    from psycopg2 import sql

    with postgres_admin(settings) as cur:
        cur.execute("select 1 from pg_database where datname = %s", (settings.pg_database,))
        if cur.fetchone() is None:
            cur.execute(sql.SQL("create database {}").format(sql.Identifier(settings.pg_database)))


def drop_postgres_database(settings: Settings) -> None:
    """Drop the Postgres database named by PGDATABASE, closing its sessions (nothing if it does not exist)."""
    from psycopg2 import sql

    with postgres_admin(settings) as cur:
        cur.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(settings.pg_database)))
