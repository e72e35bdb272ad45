"""`cloudcost export` on DuckDB and Postgres: the rows of a mart, filtered by period and documented columns with
bound parameters, equal to the mart itself; CSV and Parquet; unknown marts, columns and extensions refused."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from dbt_harness import SAMPLES_COMPANY, WAREHOUSE_SCHEMAS, DbtWorkspace, reset_postgres_schemas

from cloudcost.cli import main
from cloudcost.loader import load_paths
from cloudcost.settings import Settings, load_settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, cur_fixtures_dir: Path
) -> Iterator[DbtWorkspace]:
    root = tmp_path_factory.mktemp(f"export-{request.param}")
    if request.param == "duckdb":
        settings: Settings = replace(load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb")
    else:
        make_database: Callable[[str], Settings] = request.getfixturevalue("postgres_database")
        settings = make_database("cloudcost_pytest_export")
        reset_postgres_schemas(settings, WAREHOUSE_SCHEMAS)
    load_paths([cur_fixtures_dir], settings, progress=False)
    workspace = DbtWorkspace.create(root / "project", settings, company=SAMPLES_COMPANY)
    workspace.dbt("build", "--select", "+fct_cost_daily", "+dim_team", "--exclude-resource-type", "test")
    yield workspace


def export(workspace: DbtWorkspace, *args: str) -> object:
    settings = workspace.settings
    env = {
        "CLOUDCOST_TARGET": settings.target,
        "CLOUDCOST_DUCKDB_PATH": str(settings.duckdb_path),
        "PGHOST": settings.pg_host,
        "PGPORT": str(settings.pg_port),
        "PGUSER": settings.pg_user,
        "PGPASSWORD": settings.pg_password,
        "PGDATABASE": settings.pg_database,
    }
    return CliRunner().invoke(main, ["export", *args], env=env, catch_exceptions=False)


def test_csv_export_with_period_and_where_equals_the_mart(built: DbtWorkspace, tmp_path: Path) -> None:
    out = tmp_path / "cost.csv"
    outcome = export(built, "fct_cost_daily", "--out", str(out), "--period", "2018-10", "--where", "team=analytics")
    assert outcome.exit_code == 0, outcome.output
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = built.query(
        "select count(*), sum(amortized_cost) from marts.fct_cost_daily "
        "where billing_period = cast('2018-10-01' as date) and team = 'analytics'"
    )[0]
    assert expected[0] > 0 and len(rows) == expected[0]
    assert {row["team"] for row in rows} == {"analytics"}
    assert sum(float(row["amortized_cost"]) for row in rows) == pytest.approx(float(expected[1]), abs=1e-6)


def test_parquet_export_of_a_range_equals_the_mart(built: DbtWorkspace, tmp_path: Path) -> None:
    out = tmp_path / "cost.parquet"
    outcome = export(built, "fct_cost_daily", "--out", str(out), "--from", "2018-10", "--to", "2023-11")
    assert outcome.exit_code == 0, outcome.output
    table = pq.read_table(out)
    expected = built.scalar(
        "select count(*) from marts.fct_cost_daily where billing_period between "
        "cast('2018-10-01' as date) and cast('2023-11-01' as date)"
    )
    assert table.num_rows == expected
    periods = {str(value)[:7] for value in table.column("billing_period").to_pylist()}
    assert periods == {"2018-10", "2023-11"}


def test_where_values_are_bound_not_spliced(built: DbtWorkspace, tmp_path: Path) -> None:
    out = tmp_path / "teams.csv"
    outcome = export(built, "dim_team", "--out", str(out), "--where", "team=x' or '1'='1")
    assert outcome.exit_code == 0, outcome.output
    with out.open(newline="") as handle:
        assert list(csv.DictReader(handle)) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fct_nothing", "--out", "x.csv"), "is not a public mart"),
        (("fct_cost_daily", "--out", "x.csv", "--where", "secret_column=1"), "is not a documented column"),
        (("fct_cost_daily", "--out", "x.xlsx"), "must be .csv or .parquet"),
        (("dim_team", "--out", "x.csv", "--period", "2018-10"), "has no billing_period column"),
        (("fct_cost_daily", "--out", "x.csv", "--period", "2018-13"), "is not a billing period"),
    ],
)
def test_bad_requests_are_refused(built: DbtWorkspace, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    outcome = export(built, *args)
    assert outcome.exit_code == 2
    assert message in outcome.output
