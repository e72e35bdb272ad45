"""Scratch warehouses for the two sides, sharing the raw data that is already loaded.

DuckDB: the raw schema of the user's DuckDB file is copied (read-only attach) into a scratch file for the
base side; after the base build that file is copied for the working-tree side, so unchanged models need no
rebuild. Both files have the same name in different folders, so dbt sees the same database name on both
sides (and does not mark every source as modified). Postgres: both sides read the shared ``raw`` schema and
write to their own prefixed schemas, dropped afterwards.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from cloudcost.settings import RAW_SCHEMA, Settings
from cloudcost.sql_text import sql_string
from cloudcost.warehouse import connect

SCRATCH_DATABASE = "cloudcost_diff"


class WarehouseError(RuntimeError):
    """The raw data cannot be used for a comparison (missing file, empty raw schema…)."""


def scratch_duckdb_path(side_dir: Path) -> Path:
    return side_dir / f"{SCRATCH_DATABASE}.duckdb"


def _duckdb_raw_tables(con: Any, catalog: str) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = ? and table_schema = ? and table_type = 'BASE TABLE' order by table_name",
            [catalog, RAW_SCHEMA],
        ).fetchall()
    ]


def copy_raw_duckdb(source: Path, destination: Path) -> None:
    """Copy every table of the raw schema of ``source`` (attached read-only) into a new DuckDB file."""
    import duckdb

    if not source.exists():
        raise WarehouseError(f"no DuckDB warehouse at {source}: load CUR files first (cloudcost load)")
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.unlink(missing_ok=True)
    con = duckdb.connect(str(destination))
    try:
        try:
            con.execute(f"attach {sql_string(str(source))} as source_warehouse (read_only)")
        except duckdb.Error as error:
            raise WarehouseError(f"cannot read the DuckDB warehouse {source}: {error}") from error
        tables = _duckdb_raw_tables(con, "source_warehouse")
        if not tables:
            raise WarehouseError(f"{source} has no tables in schema {RAW_SCHEMA}: run cloudcost load first")
        con.execute(f"create schema {RAW_SCHEMA}")
        for table in tables:
            source_table = f'source_warehouse.{RAW_SCHEMA}."{table}"'
            con.execute(f'create table {RAW_SCHEMA}."{table}" as select * from {source_table}')
        con.execute("detach source_warehouse")
        con.execute("checkpoint")
    finally:
        con.close()


def clone_duckdb(source: Path, destination: Path) -> None:
    """Copy a (closed, checkpointed) DuckDB file and its write-ahead log if one is left."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, destination.with_name(destination.name + ".wal"))


def raw_tables_postgres(settings: Settings) -> list[tuple[str, int]]:
    """Tables of the shared raw schema on Postgres with their row counts (error when there are none)."""
    with connect(settings, read_only=True) as con, con.cursor() as cur:
        cur.execute(
            "select table_name from information_schema.tables "
            "where table_schema = %s and table_type = 'BASE TABLE' order by table_name",
            (RAW_SCHEMA,),
        )
        tables = [row[0] for row in cur.fetchall()]
        if not tables:
            raise WarehouseError(
                f"Postgres database {settings.pg_database} has no tables in schema {RAW_SCHEMA}: "
                "run cloudcost load first"
            )
        counted = []
        for table in tables:
            cur.execute(f'select count(*) from {RAW_SCHEMA}."{table}"')
            found = cur.fetchone()
            counted.append((table, int(found[0]) if found else 0))
    return counted


def drop_prefixed_schemas(settings: Settings, prefixes: list[str]) -> list[str]:
    """Drop the scratch schemas ``<prefix>_*`` of a comparison on Postgres; returns what was dropped."""
    dropped: list[str] = []
    with connect(settings) as con:
        con.autocommit = True
        with con.cursor() as cur:
            for prefix in prefixes:
                cur.execute(
                    "select schema_name from information_schema.schemata where schema_name like %s",
                    (prefix.replace("_", r"\_") + r"\_%",),
                )
                for (schema,) in cur.fetchall():
                    cur.execute(f'drop schema "{schema}" cascade')
                    dropped.append(schema)
    return dropped


def count_raw_duckdb(source: Path) -> list[tuple[str, int]]:
    """Tables of the raw schema of the user's DuckDB file with their row counts (read-only)."""
    import duckdb

    if not source.exists():
        raise WarehouseError(f"no DuckDB warehouse at {source}: load CUR files first (cloudcost load)")
    try:
        con = duckdb.connect(str(source), read_only=True)
    except duckdb.Error as error:  # e.g. another process holds the file for writing
        raise WarehouseError(f"cannot read the DuckDB warehouse {source}: {error}") from error
    try:
        catalog = con.execute("select current_database()").fetchone()
        tables = _duckdb_raw_tables(con, str(catalog[0]) if catalog else "")
        if not tables:
            raise WarehouseError(f"{source} has no tables in schema {RAW_SCHEMA}: run cloudcost load first")
        counted = []
        for table in tables:
            found = con.execute(f'select count(*) from {RAW_SCHEMA}."{table}"').fetchone()
            counted.append((table, int(found[0]) if found else 0))
    finally:
        con.close()
    return counted
