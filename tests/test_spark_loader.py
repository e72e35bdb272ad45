"""The Spark target's raw Parquet folders and its one-process catalog, without starting Spark (fast).

The loader writes each (billing period, payer) as a Parquet folder and commits by renaming the bookkeeping file;
a load interrupted after its commit is finished by the next one; the totals match the DuckDB loader's; a second
process that wants the same Spark warehouse stops with one line.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from cloudcost.loader import load_paths
from cloudcost.loader.spark_target import PENDING, finish_pending, partition_path
from cloudcost.settings import PROJECT_ROOT, Settings, load_settings
from cloudcost.spark_session import CatalogBusy, hold_catalog

SAMPLE_2023 = "legacy-csv-2023-11.csv"


def spark_settings(folder: Path) -> Settings:
    return replace(load_settings("spark"), spark_warehouse=folder)


def parquet_rows(sql: str) -> list[tuple]:
    con = duckdb.connect()
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_load_writes_one_parquet_folder_per_period_and_payer(tmp_path: Path, cur_samples_dir: Path) -> None:
    settings = spark_settings(tmp_path / "spark")
    report = load_paths([cur_samples_dir / SAMPLE_2023], settings, progress=False)
    (delivery,) = report.deliveries
    raw = tmp_path / "spark" / "raw"
    folder = partition_path(raw / "raw_cur_line_items", delivery.billing_period, delivery.payer_account_id)
    rows, cost = parquet_rows(
        f"select count(*), sum(line_item_unblended_cost) from read_parquet('{folder}/*.parquet')"
    )[0]
    assert rows == delivery.row_count
    assert cost == pytest.approx(delivery.total_unblended_cost, abs=1e-9)
    totals = partition_path(raw / "raw_cur_delivery_totals", delivery.billing_period, delivery.payer_account_id)
    assert parquet_rows(f"select sum(row_count) from read_parquet('{totals}/*.parquet')")[0][0] == rows
    assert not any((raw / PENDING).iterdir())

    again = load_paths([cur_samples_dir / SAMPLE_2023], settings, progress=False)
    assert [d.status for d in again.deliveries] == ["already loaded"]
    deliveries = parquet_rows(f"select delivery_id from read_parquet('{raw}/raw_cur_deliveries/*.parquet')")
    assert deliveries == [(delivery.delivery_id,)]


def test_same_totals_as_the_duckdb_loader(tmp_path: Path, cur_samples_dir: Path) -> None:
    on_spark = load_paths([cur_samples_dir / SAMPLE_2023], spark_settings(tmp_path / "spark"), progress=False)
    duckdb_settings = replace(load_settings("duckdb"), duckdb_path=tmp_path / "w.duckdb")
    on_duckdb = load_paths([cur_samples_dir / SAMPLE_2023], duckdb_settings, progress=False)
    spark_totals = parquet_rows(
        f"select line_item_type, sum(unblended_cost) from "
        f"read_parquet('{tmp_path}/spark/raw/raw_cur_delivery_totals/*/*/*.parquet') group by 1 order by 1"
    )
    con = duckdb.connect(str(duckdb_settings.duckdb_path), read_only=True)
    try:
        duckdb_totals = con.execute(
            "select line_item_type, sum(unblended_cost) from raw.raw_cur_delivery_totals group by 1 order by 1"
        ).fetchall()
    finally:
        con.close()
    assert spark_totals == duckdb_totals
    assert [d.delivery_id for d in on_spark.deliveries] == [d.delivery_id for d in on_duckdb.deliveries]


def test_a_committed_pending_folder_is_moved_into_place(tmp_path: Path, cur_samples_dir: Path) -> None:
    """A load that stopped between its commit and the swap: the next load or build finishes it."""
    settings = spark_settings(tmp_path / "spark")
    (delivery,) = load_paths([cur_samples_dir / SAMPLE_2023], settings, progress=False).deliveries
    raw = tmp_path / "spark" / "raw"
    final = partition_path(raw / "raw_cur_line_items", delivery.billing_period, delivery.payer_account_id)
    pending = partition_path(
        raw / PENDING / delivery.delivery_id / "raw_cur_line_items", delivery.billing_period, delivery.payer_account_id
    )
    pending.parent.mkdir(parents=True)
    final.rename(pending)  # as if the swap had not happened yet
    uncommitted = raw / PENDING / "not-a-committed-delivery" / "raw_cur_line_items"
    uncommitted.mkdir(parents=True)
    finish_pending(raw)
    assert any(final.glob("*.parquet"))
    assert not any((raw / PENDING).iterdir())


def test_a_second_process_on_the_same_spark_warehouse_stops(tmp_path: Path) -> None:
    folder = tmp_path / "spark"
    hold_catalog(spark_settings(folder))
    script = (
        "import sys\n"
        "from dataclasses import replace\n"
        "from cloudcost.settings import load_settings\n"
        "from cloudcost.spark_session import hold_catalog\n"
        f"hold_catalog(replace(load_settings('spark'), spark_warehouse=__import__('pathlib').Path({str(folder)!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode != 0
    assert CatalogBusy.__name__ in done.stderr
    assert "another cloudcost process is using this Spark warehouse" in done.stderr


def test_a_redelivered_period_keeps_the_totals_of_every_delivery_as_on_duckdb(tmp_path: Path) -> None:
    """Restatements are measured against the delivery they replace: its totals must stay (only lines go)."""
    from cloudcost.generator import Options, deliveries, generate

    data = tmp_path / "data"
    generate(Options(out=data, flavour="legacy_parquet", rows=1000, seed=3))
    ordered = sorted(deliveries(data), key=lambda delivery: delivery.sequence)
    period = next(d.billing_period for d in ordered if sum(o.billing_period == d.billing_period for o in ordered) > 1)
    two = [delivery for delivery in ordered if delivery.billing_period == period][:2]
    on_spark = spark_settings(tmp_path / "spark")
    on_duckdb = replace(load_settings("duckdb"), duckdb_path=tmp_path / "warehouse.duckdb")
    for delivery in two:
        for settings in (on_spark, on_duckdb):
            load_paths([delivery.path], settings, progress=False, loaded_at=delivery.delivered_at)
    totals = "select delivery_id, count(*), round(sum(unblended_cost), 6) from {} group by 1 order by 1"
    files = tmp_path / "spark" / "raw" / "raw_cur_delivery_totals" / "**" / "*.parquet"
    spark_totals = parquet_rows(totals.format(f"read_parquet('{files}')"))
    con = duckdb.connect(str(on_duckdb.duckdb_path), read_only=True)
    try:
        assert spark_totals == con.execute(totals.format("raw.raw_cur_delivery_totals")).fetchall()
    finally:
        con.close()
    assert len(spark_totals) == 2
