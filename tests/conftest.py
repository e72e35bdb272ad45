"""Shared pytest fixtures: where the real CUR samples are, scratch warehouses, and independent CUR sums."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from cloudcost.settings import Settings, load_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Under pytest-xdist (`pytest -n 2`, as `make pytest` runs), each worker gets its own Postgres databases and
# roles: the worker id joins the prefix the test databases and roles carry (children inherit it).
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["CLOUDCOST_TEST_DB_PREFIX"] = (
        os.environ.get("CLOUDCOST_TEST_DB_PREFIX", "") + os.environ["PYTEST_XDIST_WORKER"] + "_"
    )
CUR_FIXTURES_DIR = PROJECT_ROOT / "tests" / "fixtures" / "cur"
RAW_TABLES = ("raw_cur_line_items", "raw_cur_deliveries", "raw_cur_delivery_totals")


# -- real CUR samples --------------------------------------------------------------------------------
def samples_dir() -> Path | None:
    """``CLOUDCOST_SAMPLES_DIR``, else ``<project root>/../shared/data/cur-samples``; None when absent."""
    configured = os.environ.get("CLOUDCOST_SAMPLES_DIR")
    candidate = Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "data" / "cur-samples"
    return candidate if candidate.is_dir() else None


def running_in_ci() -> bool:
    """CI sets CI=true (the project's .ci/run does, as most CI services do): nothing may be skipped there."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def cur_samples_dir() -> Path:
    """The folder of real public CUR samples; skips the test when it is not there, except in CI
    (CI=true), where that fails: tests may not pass by skipping."""
    found = samples_dir()
    if found is None:
        message = "real CUR samples not found (set CLOUDCOST_SAMPLES_DIR, or place them in ../shared/data/cur-samples)"
        if running_in_ci():
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def cur_fixtures_dir() -> Path:
    """Trimmed real CUR exports kept in the repository (tests/fixtures/cur, see its README)."""
    return CUR_FIXTURES_DIR


def cur_file_totals(path: Path) -> dict[date, tuple[int, float, float]]:
    """Per billing period: (rows, Σ unblended, Σ public on-demand), read straight from one CUR file.

    Independent of the loader: plain DuckDB over the file, with the column spelling of its flavour.
    """
    con = duckdb.connect()
    if path.name.endswith(".parquet"):
        source = f"read_parquet('{path}')"
    else:
        source = f"read_csv('{path}', all_varchar = true, header = true)"
    columns = {row[0] for row in con.execute(f"describe select * from {source}").fetchall()}
    if "lineItem/UnblendedCost" in columns:
        period, unblended, on_demand = (
            '"bill/BillingPeriodStartDate"',
            '"lineItem/UnblendedCost"',
            '"pricing/publicOnDemandCost"',
        )
    else:
        period, unblended, on_demand = (
            "bill_billing_period_start_date",
            "line_item_unblended_cost",
            "pricing_public_on_demand_cost",
        )
    rows = con.execute(
        f"""
        select cast(left(cast({period} as varchar), 10) as date) as billing_period, count(*) as line_count,
            sum(cast(nullif(cast({unblended} as varchar), '') as double)) as unblended,
            sum(cast(nullif(cast({on_demand} as varchar), '') as double)) as on_demand
        from {source}
        group by all
        """
    ).fetchall()
    con.close()
    return {row[0]: (int(row[1]), float(row[2] or 0.0), float(row[3] or 0.0)) for row in rows}


# -- scratch warehouses ------------------------------------------------------------------------------
@pytest.fixture
def duckdb_settings(tmp_path: Path) -> Settings:
    """Settings for a fresh DuckDB warehouse file under the test's tmp_path."""
    return replace(load_settings("duckdb"), duckdb_path=tmp_path / "warehouse" / "cloudcost.duckdb")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def postgres_server() -> Settings:
    """Postgres settings from PG* (host default 127.0.0.1); skips when no server answers, except with
    CLOUDCOST_REQUIRE_POSTGRES=1 (CI), where that fails."""
    settings = replace(load_settings("postgres"), pg_host=os.environ.get("PGHOST", "127.0.0.1"))
    if not _reachable(settings.pg_host, settings.pg_port):
        message = f"no PostgreSQL server at {settings.pg_host}:{settings.pg_port}"
        if os.environ.get("CLOUDCOST_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"CLOUDCOST_REQUIRE_POSTGRES=1 but {message}")
        pytest.skip(message)
    return settings


@pytest.fixture(scope="session")
def postgres_database(postgres_server: Settings) -> Callable[[str], Settings]:
    """A factory: settings for a database of that name on the test server, created if missing."""
    from cloudcost.warehouse import drop_postgres_database, ensure_postgres_database

    prefix = os.environ.get("CLOUDCOST_TEST_DB_PREFIX", "")  # separate databases for parallel checkouts
    made: set[str] = set()

    def make(database: str) -> Settings:
        settings = replace(postgres_server, pg_database=prefix + database)
        if settings.pg_database not in made:
            # a database an earlier session left (CI runs on a machine as the last session left it) starts empty
            drop_postgres_database(settings)
            made.add(settings.pg_database)
        ensure_postgres_database(settings)
        return settings

    return make


@pytest.fixture(scope="session")
def postgres_demo(
    postgres_database: Callable[[str], Settings], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """`cloudcost demo --target postgres` (smaller generation) in its own database; the dashboard's
    environment for reading it as the read-only role."""
    from dashboard_warehouse import postgres_demo as build

    return build(postgres_database("cloudcost_demo_test"), tmp_path_factory.mktemp("demo_pg"))


# -- raw table contents --------------------------------------------------------------------------------
def raw_snapshot(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every raw CUR table that exists, sorted: compare before/after a failed load."""
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    if settings.target == "duckdb":
        if not settings.duckdb_path.exists():
            return snapshot
        con = duckdb.connect(str(settings.duckdb_path), read_only=True)
        try:
            present = {
                row[0]
                for row in con.execute(
                    "select table_name from information_schema.tables where table_schema = 'raw'"
                ).fetchall()
            }
            for table in RAW_TABLES:
                if table in present:
                    snapshot[table] = con.execute(f"select * from raw.{table} order by all").fetchall()
        finally:
            con.close()
        return snapshot
    import psycopg2

    con = psycopg2.connect(settings.pg_dsn)
    try:
        with con.cursor() as cur:
            for table in RAW_TABLES:
                cur.execute("select to_regclass(%s)", (f"raw.{table}",))
                found = cur.fetchone()
                if found is None or found[0] is None:
                    continue
                cur.execute(f"select * from raw.{table}")
                snapshot[table] = sorted(cur.fetchall(), key=repr)
    finally:
        con.close()
    return snapshot


def raw_query(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    """Run one read-only query against the warehouse of these settings."""
    if settings.target == "duckdb":
        con = duckdb.connect(str(settings.duckdb_path), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()
    import psycopg2

    con = psycopg2.connect(settings.pg_dsn)
    try:
        with con.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def cur_totals() -> Callable[[Path], dict[date, tuple[int, float, float]]]:
    """``cur_file_totals``: a CUR file's own rows and sums per billing period."""
    return cur_file_totals


@pytest.fixture(scope="session")
def warehouse_snapshot() -> Callable[[Settings], dict[str, list[tuple[Any, ...]]]]:
    """``raw_snapshot``: all raw CUR table contents, to prove a failed load changed nothing."""
    return raw_snapshot


@pytest.fixture(scope="session")
def warehouse_query() -> Callable[[Settings, str], list[tuple[Any, ...]]]:
    """``raw_query``: one read-only query on the warehouse of some settings."""
    return raw_query


# -- parallel runs (pytest-xdist) ----------------------------------------------------------------------------
# Modules that read the demo warehouses (built once per test process by dashboard_warehouse.py): one worker
# takes them all, so each demo is built once per run.
DEMO_MODULES = frozenset(
    {
        "test_check",
        "test_dashboard",
        "test_dashboard_browser",
        "test_dashboard_pages",
        "test_dashboard_postgres",
        "test_dashboard_publish",
        "test_dashboard_shell",
        "test_demo",
    }
)


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: unused when pytest runs without it
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `pytest -n N`, a module's tests stay on one worker (its module fixtures are built once) and the
    demo modules share one worker (the demo warehouses are built once)."""
    from xdist.scheduler import LoadScopeScheduling

    class ModuleAndDemoScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "demo" if Path(path).stem in DEMO_MODULES else path

    return ModuleAndDemoScheduling(config, log)
