"""The forecast snapshots of `cloudcost demo --target spark` hold the vintages of the DuckDB demo of the same data.

Both demos take minutes (the Spark one most of an hour on two cores), so this compares warehouses they already
built: $CLOUDCOST_DASHBOARD_SPARK_WAREHOUSE names the Spark warehouse folder and $CLOUDCOST_DEMO_DUCKDB_PATH the
DuckDB file of a demo run with the same --data, --rows and --seed. Skipped when either is not set.

Per snapshot, forecast source and generated_at: the rows, the rows still open (dbt_valid_to null), the keys, the
first and last dbt_valid_from, and the Σ of the forecast value (within the money tolerance of tests/test_spark.py).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from cloudcost.settings import Settings, load_settings
from cloudcost.warehouse import connect

pytestmark = pytest.mark.spark

VALUES = {"snp_usage_forecasts": "normalized_units", "snp_cost_forecasts": "net_cost"}


def demo_settings() -> dict[str, Settings]:
    spark, duckdb_path = (
        os.environ.get("CLOUDCOST_DASHBOARD_SPARK_WAREHOUSE"),
        os.environ.get("CLOUDCOST_DEMO_DUCKDB_PATH"),
    )
    if not spark or not duckdb_path:
        pytest.skip(
            "set CLOUDCOST_DASHBOARD_SPARK_WAREHOUSE and CLOUDCOST_DEMO_DUCKDB_PATH to the two demos' warehouses"
        )
    return {
        "spark": replace(load_settings("spark"), spark_warehouse=Path(spark)),
        "duckdb": replace(load_settings("duckdb"), duckdb_path=Path(duckdb_path)),
    }


def vintages(settings: Settings) -> dict[tuple[str, str, str], tuple]:
    """(snapshot, source, generated_at) -> (rows, open rows, keys, first and last dbt_valid_from, Σ value)."""
    found = {}
    with connect(settings, read_only=True) as con:
        for snapshot, value in VALUES.items():
            rows = con.execute(
                "select forecast_source, cast(generated_at as varchar), count(*), "
                "count(*) filter (where dbt_valid_to is null), count(distinct forecast_key), "
                "cast(min(dbt_valid_from) as varchar), cast(max(dbt_valid_from) as varchar), "
                f"sum(cast({value} as double)) from snapshots.{snapshot} group by all"
            ).fetchall()
            found |= {(snapshot, row[0], row[1]): tuple(row[2:]) for row in rows}
    return found


def test_the_spark_demo_holds_the_duckdb_demos_vintages() -> None:
    engines = demo_settings()
    expected, actual = vintages(engines["duckdb"]), vintages(engines["spark"])
    assert expected, "the DuckDB demo's snapshots are empty"
    assert sorted(actual) == sorted(expected)
    for key, figures in expected.items():
        *counted, total = figures
        *spark_counted, spark_total = actual[key]
        assert spark_counted == counted, key
        assert abs(spark_total - total) <= 1e-6 + 1e-12 * abs(total), (key, total, spark_total)
