"""The small raw tables of a Spark warehouse (forecast and finance files): one Parquet file per table.

The CUR's raw tables are partitioned folders written by ``cloudcost.loader.spark_target``. The forecast and
finance tables are small, so each is one file, ``raw/<table>/part-0.parquet``, rewritten whole: a writer loads
the tables it changes into an in-memory DuckDB (with the column types the other engines use), changes them
there with the same SQL as on DuckDB, then writes each table beside its file and renames it over the file. A
rename is atomic on local disk and HDFS, so a reader sees a table before or after a load, never half of one;
a load that changes two tables commits them one after the other (docs/spark.md).

Writers hold the loader's lock on the raw folder, so a CUR load and a forecast or finance load never
interleave. The next Spark command registers the files in its catalog (``cloudcost_register_raw``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from cloudcost.settings import RAW_SCHEMA, Settings
from cloudcost.sql_text import quote_identifier, sql_string

PART_FILE = "part-0.parquet"


def table_file(settings: Settings, table: str) -> Path:
    from cloudcost.loader.spark_target import raw_folder

    return raw_folder(settings) / table / PART_FILE


def parquet_select(con: duckdb.DuckDBPyConnection, files: str) -> str:
    """`select` of Parquet files with UTC instants (how the raw tables store timestamps) read back as
    timestamps without a time zone, as the raw tables declare them on DuckDB and Postgres."""
    source = f"read_parquet({sql_string(files)}, hive_partitioning = false)"
    described = con.execute(f"describe select * from {source}").fetchall()
    columns = [
        f"cast({quote_identifier(name)} as timestamp) as {quote_identifier(name)}"
        if kind == "TIMESTAMP WITH TIME ZONE"
        else quote_identifier(name)
        for name, kind, *_ in described
    ]
    return f"select {', '.join(columns)} from {source}"


def add_raw_views(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """A `raw` schema in ``con`` with a view per raw table the loaders wrote (partitioned or one file)."""
    from cloudcost.loader.spark_target import raw_folder

    raw = raw_folder(settings)
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    for folder in sorted(raw.iterdir()) if raw.is_dir() else []:
        if not folder.is_dir() or folder.name.startswith(("_", ".")) or not any(folder.rglob("*.parquet")):
            continue
        # every file of a partitioned table keeps all of the table's columns
        files = str(folder / PART_FILE) if (folder / PART_FILE).exists() else str(folder / "**" / "*.parquet")
        con.execute(f"create view {RAW_SCHEMA}.{quote_identifier(folder.name)} as {parquet_select(con, files)}")


def _write_table(con: duckdb.DuckDBPyConnection, settings: Settings, table: str) -> None:
    """The table written beside its file (timestamps as UTC instants, which Spark reads as TIMESTAMP), then
    renamed over it."""
    final = table_file(settings, table)
    final.parent.mkdir(parents=True, exist_ok=True)
    staged = final.with_name(f".{PART_FILE}.{uuid.uuid4().hex[:8]}")
    described = con.execute(f"describe {RAW_SCHEMA}.{table}").fetchall()
    columns = [
        f'cast("{name}" as timestamptz) as "{name}"' if kind == "TIMESTAMP" else f'"{name}"'
        for name, kind, *_ in described
    ]
    try:
        con.execute(
            f"copy (select {', '.join(columns)} from {RAW_SCHEMA}.{table}) to {sql_string(str(staged))} "
            "(format parquet, compression zstd)"
        )
        os.replace(staged, final)
    finally:
        staged.unlink(missing_ok=True)


@contextmanager
def editable_raw_tables(
    settings: Settings, tables: Mapping[str, Sequence[str]], create: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB holding the named raw tables (``tables``: name -> its DuckDB create statements),
    filled from their files; the tables are written back when the block ends without an error.

    With ``create=False`` a table without a file is left out (and not written)."""
    from cloudcost.loader.spark_target import hold_raw_lock, raw_folder

    lock = hold_raw_lock(raw_folder(settings), settings)
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"create schema if not exists {RAW_SCHEMA}")
        present = []
        for table, statements in tables.items():
            path = table_file(settings, table)
            if not create and not path.exists():
                continue
            for statement in statements:
                con.execute(statement)
            if path.exists():
                con.execute(f"insert into {RAW_SCHEMA}.{table} by name {parquet_select(con, str(path))}")
            present.append(table)
        yield con
        for table in present:
            _write_table(con, settings, table)
    finally:
        con.close()
        lock.release()
