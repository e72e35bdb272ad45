"""Write staged finance tables to the warehouse in one transaction, replacing what they cover.

A kind with a replace key (e.g. invoices by billing period) replaces the rows already loaded with the same
key values; a kind without one (sign-offs, a register kept whole) replaces its table. Loading the same
files twice therefore leaves the raw tables as they were.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime

import duckdb
import pyarrow.csv as pacsv

from cloudcost.finance.schema import FILE_KINDS, FinanceFileKind, create_table_sql, raw_columns
from cloudcost.settings import RAW_SCHEMA, Settings
from cloudcost.sql_text import sql_string


def _select_for_raw(kind: FinanceFileKind, staged_table: str, loaded_at: datetime) -> str:
    columns = [name for name, _ in raw_columns(kind) if name != "loaded_at"]
    return (
        f"select {', '.join(columns)}, cast({sql_string(loaded_at.isoformat(sep=' '))} as timestamp) "
        f"as loaded_at from {staged_table}"
    )


def _column_list(kind: FinanceFileKind) -> str:
    return ", ".join(name for name, _ in raw_columns(kind))


def write_duckdb(
    con: duckdb.DuckDBPyConnection, settings: Settings, staged: Mapping[str, str], loaded_at: datetime
) -> None:
    """Open the warehouse file and write the staged tables (handed over as Arrow) in one transaction.

    The warehouse is opened with ``duckdb.connect`` rather than attached to the staging connection: a
    process that already has the file open (e.g. dbt run in-process, as `cloudcost demo` does) shares that
    database instance, where a second ``attach`` of the same file would be refused."""
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    warehouse = duckdb.connect(str(settings.duckdb_path))
    try:
        _replace_in_duckdb(warehouse, con, staged, loaded_at)
    finally:
        warehouse.close()


def write_spark(
    con: duckdb.DuckDBPyConnection, settings: Settings, staged: Mapping[str, str], loaded_at: datetime
) -> None:
    """The same replacement in an in-memory copy of the finance tables it touches, each then written back as
    one Parquet file (cloudcost.spark_raw)."""
    from cloudcost.spark_raw import editable_raw_tables

    tables = {kind.table: [create_table_sql("duckdb", RAW_SCHEMA, kind)] for kind in FILE_KINDS if kind.name in staged}
    with editable_raw_tables(settings, tables) as warehouse:
        _replace_in_duckdb(warehouse, con, staged, loaded_at)


def _replace_in_duckdb(
    warehouse: duckdb.DuckDBPyConnection,
    con: duckdb.DuckDBPyConnection,
    staged: Mapping[str, str],
    loaded_at: datetime,
) -> None:
    """Replace what the staged tables cover in ``warehouse``'s raw tables, in one transaction."""
    for kind in FILE_KINDS:
        if kind.name in staged:
            warehouse.register(staged[kind.name], con.table(staged[kind.name]).to_arrow_table())
    warehouse.execute("begin transaction")
    try:
        warehouse.execute(f"create schema if not exists {RAW_SCHEMA}")
        for kind in FILE_KINDS:
            if kind.name not in staged:
                continue
            target = f"{RAW_SCHEMA}.{kind.table}"
            warehouse.execute(create_table_sql("duckdb", RAW_SCHEMA, kind))
            table = staged[kind.name]
            if kind.replace_key:
                matches = " and ".join(f"staged.{c} = {target}.{c}" for c in kind.replace_key)
                exists = f"exists (select 1 from {table} as staged where {matches})"
                warehouse.execute(f"delete from {target} where {exists}")
            else:
                warehouse.execute(f"delete from {target}")
            warehouse.execute(f"insert into {target} ({_column_list(kind)}) {_select_for_raw(kind, table, loaded_at)}")
        warehouse.execute("commit")
    except BaseException:
        warehouse.execute("rollback")
        raise


def write_postgres(
    con: duckdb.DuckDBPyConnection, settings: Settings, staged: Mapping[str, str], loaded_at: datetime
) -> None:
    """Delete the replaced keys and COPY the new rows, in one Postgres transaction."""
    import psycopg2

    from cloudcost.warehouse import ensure_postgres_database

    ensure_postgres_database(settings)
    pg = psycopg2.connect(settings.pg_dsn)
    try:
        with pg.cursor() as cur:
            cur.execute(f"create schema if not exists {RAW_SCHEMA}")
            for kind in FILE_KINDS:
                if kind.name not in staged:
                    continue
                table = staged[kind.name]
                target = f"{RAW_SCHEMA}.{kind.table}"
                cur.execute(create_table_sql("postgres", RAW_SCHEMA, kind))
                if kind.replace_key:
                    key = ", ".join(kind.replace_key)
                    keys = con.execute(f"select distinct {key} from {table}").fetchall()
                    condition = " and ".join(f"{column} = %s" for column in kind.replace_key)
                    cur.executemany(f"delete from {target} where {condition}", keys)
                else:
                    cur.execute(f"delete from {target}")
                rows = con.sql(_select_for_raw(kind, table, loaded_at)).to_arrow_table()
                buffer = io.BytesIO()
                pacsv.write_csv(rows, buffer, pacsv.WriteOptions(include_header=False))
                buffer.seek(0)
                cur.copy_expert(f"copy {target} ({_column_list(kind)}) from stdin with (format csv)", buffer)
        pg.commit()
    except BaseException:
        pg.rollback()
        raise
    finally:
        pg.close()
