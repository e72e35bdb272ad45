"""Open a DB-API connection to the configured warehouse (DuckDB file or Postgres)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cloudcost.settings import Settings, load_settings


@contextmanager
def connect(settings: Settings | None = None, read_only: bool = False) -> Iterator[Any]:
    """Yield a connection; DuckDB gets its parent folder created, Postgres uses the PG* settings."""
    settings = settings or load_settings()
    if settings.target == "duckdb":
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
