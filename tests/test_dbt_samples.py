"""The cost models on the three real CUR samples, on DuckDB and Postgres: the figures of the samples' README
(cost layers, cash bridge, normalized units), conservation from the files to staging, and MetricFlow.

The warehouse is loaded with the project's loader and built once per engine for the whole session.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from dbt_harness import SAMPLES_COMPANY, WAREHOUSE_SCHEMAS, DbtWorkspace, reset_postgres_schemas

from cloudcost.loader import load_paths
from cloudcost.settings import Settings, load_settings

PERIOD_2018 = "2018-10-01"
PERIOD_2023 = "2023-11-01"
PERIOD_2026 = "2026-04-01"
README_PRECISION = 5e-7  # the samples' README gives figures rounded to 6 decimals

ENGINES = ["duckdb", "postgres"]


@pytest.fixture(scope="session", params=ENGINES)
def samples_warehouse(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, cur_samples_dir: Path
) -> Iterator[DbtWorkspace]:
    """All three samples loaded and the cost models built (with all their tests), once per engine."""
    root = tmp_path_factory.mktemp(f"dbt-samples-{request.param}")
    if request.param == "duckdb":
        settings: Settings = replace(load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb")
    else:
        make_database: Callable[[str], Settings] = request.getfixturevalue("postgres_database")
        settings = make_database("cloudcost_pytest_dbt_samples")
        reset_postgres_schemas(settings, WAREHOUSE_SCHEMAS)
    load_paths([cur_samples_dir], settings, progress=False)
    workspace = DbtWorkspace.create(root / "project", settings, company=SAMPLES_COMPANY)
    workspace.dbt_cost_models("build")
    yield workspace


def layer_totals(workspace: DbtWorkspace, period: str) -> dict[str, float]:
    rows = workspace.query(
        f"select layer, sum(amount) from marts.fct_cost_layers "
        f"where billing_period = cast('{period}' as date) group by layer"
    )
    return {layer: float(amount) for layer, amount in rows}


def bridge(workspace: DbtWorkspace, period: str) -> dict[str, float]:
    rows = workspace.query(
        "select amortized_cost, ri_sp_trueup, ri_sp_upfront_fees, bridged_cost, billed_cost, public_on_demand_cost "
        f"from marts.fct_cash_bridge where billing_period = cast('{period}' as date)"
    )
    assert len(rows) == 1, f"expected one cash bridge row for {period}, got {rows}"
    names = ("amortized", "trueup", "upfront", "bridged", "billed", "public_on_demand")
    return dict(zip(names, (float(value) for value in rows[0]), strict=True))


def test_2018_cost_layers_match_the_readme(samples_warehouse: DbtWorkspace) -> None:
    layers = layer_totals(samples_warehouse, PERIOD_2018)
    expected = {
        "on_demand": 4269.187251,
        "negotiated_rate": -16.458892,
        "ri_discount": -105.766810,
        "ri_unused": 48.995561,
    }
    assert set(layers) == set(expected), f"unexpected layers: {sorted(layers)}"
    for layer, amount in expected.items():
        assert layers[layer] == pytest.approx(amount, abs=README_PRECISION), layer
    assert sum(layers.values()) == pytest.approx(4195.957109, abs=README_PRECISION)


def test_2018_unblended_fallback_is_flagged(samples_warehouse: DbtWorkspace) -> None:
    flagged = samples_warehouse.scalar(
        "select sum(amount) from marts.fct_cost_layers where layer = 'on_demand' "
        f"and list_cost_source = 'unblended_fallback' and billing_period = cast('{PERIOD_2018}' as date)"
    )
    assert float(flagged) == pytest.approx(31.505516, abs=README_PRECISION)


def test_2018_cash_bridge_reaches_the_invoice_to_the_cent(samples_warehouse: DbtWorkspace) -> None:
    figures = bridge(samples_warehouse, PERIOD_2018)
    assert figures["amortized"] == pytest.approx(4195.957109, abs=README_PRECISION)
    assert figures["trueup"] == pytest.approx(-131.473973, abs=README_PRECISION)
    assert figures["upfront"] == 0.0
    assert round(figures["bridged"], 2) == 4064.48
    assert figures["billed"] == pytest.approx(4064.483132, abs=README_PRECISION)
    assert abs(figures["bridged"] - figures["billed"]) < 0.01


def test_2018_ec2_boxusage_normalized_units(samples_warehouse: DbtWorkspace) -> None:
    box_usage = samples_warehouse.scalar(
        "select sum(normalized_units) from intermediate.int_normalized_usage "
        f"where service_code = 'AmazonEC2' and usage_type like '%BoxUsage:%' "
        f"and billing_period = cast('{PERIOD_2018}' as date)"
    )
    assert float(box_usage) == pytest.approx(3948.285625, abs=README_PRECISION)
    by_pricing = dict(
        samples_warehouse.query(
            "select pricing_model, sum(normalized_units) from marts.fct_normalized_usage "
            f"where service_code = 'AmazonEC2' and billing_period = cast('{PERIOD_2018}' as date) "
            "group by pricing_model"
        )
    )
    assert float(by_pricing["free_tier"]) == pytest.approx(46.875, abs=1e-9)
    assert float(by_pricing["reserved"]) == pytest.approx(1497.31, abs=0.005)
    assert float(by_pricing["on_demand"]) == pytest.approx(2404.10, abs=0.005)
    non_spot = sum(float(units) for model, units in by_pricing.items() if model != "spot")
    assert non_spot == pytest.approx(3948.285625, abs=README_PRECISION)


def test_2018_spot_units_come_from_the_size_table(samples_warehouse: DbtWorkspace) -> None:
    rows = samples_warehouse.query(
        "select distinct nu_source from intermediate.int_normalized_usage where pricing_model = 'spot'"
    )
    assert rows == [("size_table",)]


def test_2018_rds_multi_az_doubles_the_factor(samples_warehouse: DbtWorkspace) -> None:
    factors = dict(
        samples_warehouse.query(
            "select usage_type, max(normalization_factor_used) from intermediate.int_normalized_usage "
            "where service_code = 'AmazonRDS' group by usage_type"
        )
    )
    assert float(factors["InstanceUsage:db.r4.large"]) == 4.0
    assert float(factors["Multi-AZUsage:db.m4.large"]) == 8.0


def test_2018_untagged_glue_is_explicitly_unallocated(samples_warehouse: DbtWorkspace) -> None:
    teams = dict(
        samples_warehouse.query(
            "select team, sum(amortized_cost) from marts.fct_cost_daily "
            f"where service_code = 'AWSGlue' and billing_period = cast('{PERIOD_2018}' as date) group by team"
        )
    )
    assert float(teams["unallocated"]) > 2000.0


def test_cur2_2026_04_ties_out(samples_warehouse: DbtWorkspace) -> None:
    layers = layer_totals(samples_warehouse, PERIOD_2026)
    figures = bridge(samples_warehouse, PERIOD_2026)
    assert figures["billed"] == pytest.approx(0.0, abs=1e-6)
    assert layers["on_demand"] == pytest.approx(49.558713, abs=README_PRECISION)
    assert layers["credit"] == pytest.approx(-47.681694, abs=README_PRECISION)
    assert round(layers["on_demand"], 2) == 49.56
    assert round(-layers["credit"], 2) == 47.68
    assert figures["amortized"] == pytest.approx(0.0, abs=1e-6)
    credit_lines_with_units = samples_warehouse.scalar(
        "select count(*) from intermediate.int_normalized_usage where line_item_type = 'Credit'"
    )
    assert credit_lines_with_units == 0


def test_legacy_csv_2023_11_ties_out(samples_warehouse: DbtWorkspace) -> None:
    layers = layer_totals(samples_warehouse, PERIOD_2023)
    figures = bridge(samples_warehouse, PERIOD_2023)
    assert round(figures["billed"], 2) == 1.68
    assert round(layers["on_demand"], 2) == 3.36
    assert layers["tax"] == pytest.approx(0.08, abs=1e-9)
    assert figures["amortized"] == pytest.approx(figures["billed"], abs=1e-9)


def test_staging_equals_each_sample_file(
    samples_warehouse: DbtWorkspace,
    cur_samples_dir: Path,
    cur_totals: Callable[[Path], dict[date, tuple[int, float, float]]],
) -> None:
    staged = {
        row[0]: (int(row[1]), float(row[2]), float(row[3] or 0.0))
        for row in samples_warehouse.query(
            "select billing_period, count(*), sum(unblended_cost), sum(public_on_demand_cost) "
            "from staging.stg_cur__line_items group by billing_period"
        )
    }
    files = [path for path in sorted(cur_samples_dir.iterdir()) if path.suffix in {".csv", ".parquet"}]
    assert len(files) == 3
    for path in files:
        for period, (rows, unblended, on_demand) in cur_totals(path).items():
            assert staged[period][0] == rows, path.name
            assert staged[period][1] == pytest.approx(unblended, abs=1e-6), path.name
            assert staged[period][2] == pytest.approx(on_demand, abs=1e-6), path.name


def test_metricflow_validates_against_the_warehouse(samples_warehouse: DbtWorkspace) -> None:
    output = samples_warehouse.mf("validate-configs")
    assert "ERRORS: 0" in output


def test_metricflow_query_equals_the_daily_mart(samples_warehouse: DbtWorkspace, tmp_path: Path) -> None:
    result = tmp_path / "monthly.csv"
    samples_warehouse.mf(
        "query",
        "--metrics",
        "public_on_demand_cost,amortized_cost",
        "--group-by",
        "metric_time__month",
        "--csv",
        str(result),
    )
    with result.open(newline="") as handle:
        queried = {
            row["metric_time__month"][:10]: (float(row["public_on_demand_cost"]), float(row["amortized_cost"]))
            for row in csv.DictReader(handle)
        }
    mart = {
        str(month)[:10]: (float(on_demand), float(amortized))
        for month, on_demand, amortized in samples_warehouse.query(
            "select cast(date_trunc('month', usage_date) as date), sum(public_on_demand_cost), sum(amortized_cost) "
            "from marts.fct_cost_daily group by 1"
        )
    }
    assert set(queried) == set(mart)
    for month, (on_demand, amortized) in mart.items():
        assert queried[month][0] == pytest.approx(on_demand, abs=1e-6), month
        assert queried[month][1] == pytest.approx(amortized, abs=1e-6), month
