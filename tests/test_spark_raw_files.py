"""Forecast and finance files on the Spark target, without starting Spark (fast).

They are written as one Parquet file per raw table (cloudcost/spark_raw.py) with the same rows the DuckDB target
holds, timestamps as UTC instants (Spark reads them as TIMESTAMP); loading the same files again changes
nothing; a replay's reset removes the replayed sources' forecasts; a write that fails leaves the file as it was.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from cloudcost.finance import load_finance_paths
from cloudcost.forecasts.loading import ALREADY_LOADED, LOADED, load_forecast_files
from cloudcost.forecasts.store import delete_sources
from cloudcost.forecasts.tables import USAGE as USAGE_KIND
from cloudcost.forecasts.tables import create_table_sql
from cloudcost.settings import PROJECT_ROOT, Settings, load_settings
from cloudcost.spark_raw import editable_raw_tables, table_file

USAGE = [
    "source,generated_at,host_type,target_date,normalized_units,lower_bound,upper_bound",
    "engineering,2026-05-04T09:00:00Z,web,2026-05-05,10.5,9,12",
    "engineering,2026-05-04T09:00:00Z,db,2026-05-05,4,,",
    "planning,2026-05-11T09:00:00Z,web,2026-05-12,12,,",
]
FINANCE_SAMPLE = PROJECT_ROOT / "tests" / "fixtures" / "finance" / "sample_2018_10"


def spark_settings(folder: Path) -> Settings:
    return replace(load_settings("spark"), spark_warehouse=folder)


def duckdb_settings_in(folder: Path) -> Settings:
    return replace(load_settings("duckdb"), duckdb_path=folder / "warehouse.duckdb")


def rows(sql: str) -> list[tuple]:
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def duckdb_rows(settings: Settings, table: str) -> list[tuple]:
    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    try:
        return con.execute(f"select * exclude (loaded_at) from raw.{table} order by all").fetchall()
    finally:
        con.close()


def file_rows(settings: Settings, table: str) -> list[tuple]:
    """The file's rows with its UTC instants as timestamps, as the DuckDB target stores them."""
    from cloudcost.spark_raw import parquet_select

    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        select = parquet_select(con, str(table_file(settings, table)))
        return con.execute(f"select * exclude (loaded_at) from ({select}) order by all").fetchall()
    finally:
        con.close()


@pytest.fixture
def usage_file(tmp_path: Path) -> Path:
    path = tmp_path / "usage.csv"
    path.write_text("\n".join(USAGE) + "\n")
    return path


def test_forecasts_are_one_parquet_file_with_the_duckdb_rows(tmp_path: Path, usage_file: Path) -> None:
    spark = spark_settings(tmp_path / "spark")
    on_duckdb = duckdb_settings_in(tmp_path)
    report = load_forecast_files([usage_file], spark, check_host_types=False)
    assert [item.status for item in report.vintages] == [LOADED, LOADED]
    load_forecast_files([usage_file], on_duckdb, check_host_types=False)

    assert file_rows(spark, "raw_usage_forecasts") == duckdb_rows(on_duckdb, "raw_usage_forecasts")
    described = dict(
        (name, kind) for name, kind, *_ in rows(f"describe select * from '{table_file(spark, 'raw_usage_forecasts')}'")
    )
    assert described["generated_at"] == "TIMESTAMP WITH TIME ZONE"  # an instant: Spark's TIMESTAMP

    again = load_forecast_files([usage_file], spark, check_host_types=False)
    assert [item.status for item in again.vintages] == [ALREADY_LOADED, ALREADY_LOADED]
    assert len(file_rows(spark, "raw_usage_forecasts")) == 3


def test_deleting_a_source_rewrites_the_file_without_it(tmp_path: Path, usage_file: Path) -> None:
    spark = spark_settings(tmp_path / "spark")
    load_forecast_files([usage_file], spark, check_host_types=False)
    delete_sources(spark, ["engineering"])
    assert {row[0] for row in file_rows(spark, "raw_usage_forecasts")} == {"planning"}
    assert not table_file(spark, "raw_finance_forecasts").exists()  # a table never loaded is not created


def test_a_failed_write_leaves_the_file_as_it_was(tmp_path: Path, usage_file: Path) -> None:
    spark = spark_settings(tmp_path / "spark")
    load_forecast_files([usage_file], spark, check_host_types=False)
    before = table_file(spark, "raw_usage_forecasts").read_bytes()
    tables = {"raw_usage_forecasts": create_table_sql(USAGE_KIND)}
    with pytest.raises(RuntimeError), editable_raw_tables(spark, tables) as con:
        con.execute("delete from raw.raw_usage_forecasts")
        raise RuntimeError("stopped before the end")
    assert table_file(spark, "raw_usage_forecasts").read_bytes() == before
    assert [p.name for p in table_file(spark, "raw_usage_forecasts").parent.iterdir()] == ["part-0.parquet"]


def test_finance_files_are_one_parquet_file_per_table_with_the_duckdb_rows(tmp_path: Path) -> None:
    spark = spark_settings(tmp_path / "spark")
    on_duckdb = duckdb_settings_in(tmp_path)
    load_finance_paths([FINANCE_SAMPLE], spark)
    load_finance_paths([FINANCE_SAMPLE], spark)  # replaces what it covers: the same rows once
    load_finance_paths([FINANCE_SAMPLE], on_duckdb)
    for table in ("raw_finance_invoices", "raw_finance_general_ledger", "raw_finance_close_calendar"):
        assert file_rows(spark, table) == duckdb_rows(on_duckdb, table), table
        assert file_rows(spark, table)
