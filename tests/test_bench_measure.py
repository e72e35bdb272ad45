"""`cloudcost bench`'s measurements: a child's CPU and peak memory, and the two floors (small runs only)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from cloudcost.bench_floors import copy_floor, mart_floor
from cloudcost.bench_measure import run_measured, tree_rss_bytes

BUSY_CHILD = """
import subprocess, sys
block = bytearray(300 << 20)  # 300 MiB, touched
for i in range(0, len(block), 4096):
    block[i] = 1
total = sum(i * i for i in range(1_000_000))
subprocess.run([sys.executable, "-c", "x = bytearray(200 << 20); sum(range(2_000_000))"], check=True)
"""


def test_cpu_and_peak_memory_of_the_process_tree_are_measured(tmp_path: Path) -> None:
    measured = run_measured("busy", [sys.executable, "-c", BUSY_CHILD], {}, tmp_path / "log", tmp_path, rows=1000)
    assert measured.peak_rss_mib >= 300, "the child's 300 MiB were not seen"
    assert measured.cpu_seconds > 0.05, "the CPU of the child (and its own child) was not counted"
    assert measured.rows_per_second and measured.rows_per_second > 0
    assert tree_rss_bytes(999_999_999) == 0, "a process that does not exist has no memory"


ORPHANING_CHILD = """
import subprocess, sys
busy = "import time\\nstart = time.process_time()\\nwhile time.process_time() - start < 1.0: pass"
subprocess.Popen([sys.executable, "-c", busy])  # never waited for, as PySpark leaves its JVM
import time
time.sleep(0.5)
"""


def test_the_cpu_of_a_descendant_that_outlives_the_phase_is_counted(tmp_path: Path) -> None:
    measured = run_measured("orphans", [sys.executable, "-c", ORPHANING_CHILD], {}, tmp_path / "log", tmp_path)
    assert measured.cpu_seconds >= 0.9, "the orphaned child's second of CPU was not counted"


def test_a_failing_phase_is_reported(tmp_path: Path) -> None:
    import pytest

    with pytest.raises(RuntimeError, match="exit 3"):
        run_measured("fails", [sys.executable, "-c", "raise SystemExit(3)"], {}, tmp_path / "log", tmp_path)


def test_the_floors_copy_every_row_and_sum_every_cost(tmp_path: Path) -> None:
    files = []
    con = duckdb.connect()
    for month in (5, 6):
        path = tmp_path / f"cur-{month}.parquet"
        con.execute(
            f"""
            copy (
                select timestamp '2026-0{month}-01' + interval (range % 30) day as line_item_usage_start_date,
                    timestamp '2026-0{month}-01' as bill_billing_period_start_date,
                    '111122223333' as bill_payer_account_id, '444455556666' as line_item_usage_account_id,
                    'AWS' as bill_billing_entity, 'inv-{month}' as bill_invoice_id, 'USD' as line_item_currency_code,
                    'AmazonEC2' as line_item_product_code, 'us-east-1' as product_region_code,
                    'm5' as product_instance_family, 'OnDemand' as pricing_term,
                    '{{"user:team": "search"}}'::json as resource_tags,
                    0.01 * range as line_item_unblended_cost, 0.01 * range as line_item_net_unblended_cost,
                    0.02 * range as pricing_public_on_demand_cost, 0.0 as reservation_effective_cost,
                    0.0 as savings_plan_savings_plan_effective_cost
                from range(1000)
            ) to '{path}' (format parquet)
            """
        )
        files.append(str(path))
    con.close()
    assert copy_floor(tmp_path / "copy.duckdb", files) == 2000
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.raw_cur_line_items as select * from read_parquet(?)", [files])
    assert mart_floor(tmp_path / "mart.duckdb", warehouse) == 60
    with duckdb.connect(str(tmp_path / "mart.duckdb"), read_only=True) as con:
        total, lines, team = con.execute(
            "select sum(line_item_unblended_cost), sum(line_count), min(team) from daily_cost"
        ).fetchone()
    assert (float(total), lines, team) == (2 * sum(range(1000)) * 0.01, 2000, "search")
