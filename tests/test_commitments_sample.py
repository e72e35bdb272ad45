"""Commitments on the real October 2018 CUR sample, on DuckDB and Postgres: RI coverage and utilization of EC2
in xlarge-normalized units as the samples' README gives them, the RIFee tie-out, the reservations found, and a
ranked opportunity list.

The sample is loaded with the project's loader and the commitment marts (with every unit and data test on the
way) are built once per engine for the whole session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from dbt_harness import SAMPLES_COMPANY, WAREHOUSE_SCHEMAS, DbtWorkspace, reset_postgres_schemas

from cloudcost.loader import load_paths
from cloudcost.settings import Settings, load_settings

pytestmark = pytest.mark.slow

SAMPLE_2018 = "legacy-parquet-2018-10.snappy.parquet"
PERIOD_2018 = "2018-10-01"
# the README's figures are rounded to two decimals (units) and to 0.01 percentage points (ratios)
UNITS_PRECISION = 0.005
RATIO_PRECISION = 0.00005
SELECTION = ("+path:models/marts/commitments", "+fct_normalized_usage")


@pytest.fixture(scope="session", params=["duckdb", "postgres"])
def commitments_2018(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, cur_samples_dir: Path
) -> Iterator[DbtWorkspace]:
    """The 2018 sample loaded and the commitment marts built (with their tests), once per engine."""
    root = tmp_path_factory.mktemp(f"dbt-commitments-2018-{request.param}")
    if request.param == "duckdb":
        settings: Settings = replace(load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb")
    else:
        make_database: Callable[[str], Settings] = request.getfixturevalue("postgres_database")
        settings = make_database("cloudcost_pytest_commitments")
        reset_postgres_schemas(settings, WAREHOUSE_SCHEMAS)
    load_paths([cur_samples_dir / SAMPLE_2018], settings, progress=False)
    workspace = DbtWorkspace.create(root / "project", settings, company=SAMPLES_COMPANY)
    workspace.dbt("build", "--select", *SELECTION, "--indirect-selection", "cautious")
    yield workspace


def ec2_month(workspace: DbtWorkspace, sql: str) -> float:
    return float(workspace.scalar(sql.format(period=PERIOD_2018)))


def test_ec2_ri_coverage_in_normalized_units_matches_the_readme(commitments_2018: DbtWorkspace) -> None:
    covered, on_demand, savings_plan, coverage = commitments_2018.query(
        "select sum(ri_covered_units), sum(on_demand_units), sum(sp_covered_units), "
        "sum(ri_covered_units) / sum(ri_covered_units + sp_covered_units + on_demand_units) "
        "from marts.fct_commitment_coverage "
        f"where service_code = 'AmazonEC2' and billing_period = cast('{PERIOD_2018}' as date)"
    )[0]
    assert float(covered) == pytest.approx(1497.31, abs=UNITS_PRECISION)
    assert float(on_demand) == pytest.approx(2404.10, abs=UNITS_PRECISION)
    assert float(savings_plan) == 0.0
    assert float(coverage) == pytest.approx(0.3838, abs=RATIO_PRECISION)


def test_ec2_ri_utilization_in_normalized_units_matches_the_readme(commitments_2018: DbtWorkspace) -> None:
    reserved, used, utilization = commitments_2018.query(
        "select sum(reserved_units), sum(used_units), sum(used_units) / sum(reserved_units) "
        "from marts.fct_commitment_utilization "
        f"where service_code = 'AmazonEC2' and billing_period = cast('{PERIOD_2018}' as date)"
    )[0]
    assert float(reserved) == pytest.approx(1893.15, abs=UNITS_PRECISION)
    assert float(reserved) - float(used) == pytest.approx(395.83, abs=UNITS_PRECISION)
    assert float(utilization) == pytest.approx(0.7909, abs=RATIO_PRECISION)


def test_daily_utilization_ties_to_the_rifee_lines(commitments_2018: DbtWorkspace) -> None:
    """Σ daily reserved − Σ daily used = the RIFee lines' unused units, and the unused cost = the ri_unused layer."""
    unused_units = ec2_month(
        commitments_2018,
        "select sum(reservation_unused_normalized_units) / 8 from staging.stg_cur__line_items "
        "where line_item_type = 'RIFee' and billing_period = cast('{period}' as date)",
    )
    daily_unused_units, daily_unused_cost = commitments_2018.query(
        "select sum(unused_units), sum(unused_cost) from marts.fct_commitment_utilization "
        f"where billing_period = cast('{PERIOD_2018}' as date)"
    )[0]
    assert float(daily_unused_units) == pytest.approx(unused_units, abs=1e-6)
    assert float(daily_unused_cost) == pytest.approx(48.995561, abs=0.01)


def test_every_reservation_is_in_the_dimension(commitments_2018: DbtWorkspace) -> None:
    rows = commitments_2018.query(
        "select commitment_type, count(*), sum(case when is_size_flexible then 1 else 0 end), "
        "max(commitment_start_at) from marts.dim_commitment group by commitment_type"
    )
    assert len(rows) == 1
    kind, count, size_flexible, latest_start = rows[0]
    assert (kind, int(count)) == ("reserved_instance", 9)
    # the two Windows reservations cover one instance type each; the Linux ones the whole family
    assert int(size_flexible) == 7
    assert latest_start == datetime(2018, 10, 9, 21, 40, 47)
    attributes = commitments_2018.query(
        "select distinct payment_option, term_years, offering_class from marts.dim_commitment "
        "where payment_option is not null order by 1, 3"
    )
    assert {(row[0], int(row[1])) for row in attributes} == {("No Upfront", 1), ("Partial Upfront", 1)}


def test_the_mid_month_reservation_is_used_from_its_purchase(commitments_2018: DbtWorkspace) -> None:
    first_day, active_hours, reserved = commitments_2018.query(
        "select min(usage_date), sum(active_hours), sum(reserved_units) from marts.fct_commitment_utilization "
        "where commitment_id like '%ec308c3d56fd'"
    )[0]
    assert str(first_day) == "2018-10-09"
    assert float(active_hours) == pytest.approx(530.320278, abs=1e-5)
    assert float(reserved) == pytest.approx(265.160139 / 8, abs=1e-6)


def test_opportunities_are_ranked_by_savings(commitments_2018: DbtWorkspace) -> None:
    rows = commitments_2018.query(
        "select savings_rank, opportunity_type, estimated_monthly_savings "
        "from marts.fct_savings_opportunities order by savings_rank"
    )
    assert [int(row[0]) for row in rows] == list(range(1, len(rows) + 1))
    savings = [float(row[2]) for row in rows]
    assert savings == sorted(savings, reverse=True)
    assert all(amount > 0 for amount in savings)
    # the sample has an unused c4.large reservation, gp2 volumes and on-demand fleets worth reserving
    assert {"ri_purchase", "unused_commitment", "gp2_to_gp3"} <= {row[1] for row in rows}
