"""Publishing the marts for the dashboard: a copy swapped in atomically, so readers and builds never meet."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import duckdb
import pytest
from dashboard_warehouse import APP, Warehouse, dbt_command, shared_warehouse
from streamlit.testing.v1 import AppTest

from cloudcost.publish import (
    DASHBOARD_MARTS,
    PublishError,
    publish,
    publish_after_build,
    publish_duckdb,
    published_path,
)
from cloudcost.settings import PROJECT_ROOT, load_settings


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return shared_warehouse(tmp_path_factory.mktemp("dashboard"))


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def mart_tables(path: Path) -> set[str]:
    rows = query(path, "select table_name from information_schema.tables where table_schema = 'marts'")
    return {row[0] for row in rows}


def private_copy(warehouse: Warehouse, folder: Path) -> Warehouse:
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "cloudcost.duckdb"
    shutil.copyfile(warehouse.source, source)
    return Warehouse(folder, source, folder / "published" / "cloudcost.duckdb")


def test_published_copy_holds_exactly_the_dashboard_marts_with_the_same_rows(warehouse: Warehouse) -> None:
    in_source = mart_tables(warehouse.source)
    published = mart_tables(warehouse.published)
    assert published == in_source & set(DASHBOARD_MARTS)
    assert {"fct_cost_daily", "fct_cash_bridge"} <= published
    assert "fct_cost_layers" not in published  # line grain: not read by the dashboard
    for mart in published:
        assert query(warehouse.published, f"select count(*) from marts.{mart}") == query(
            warehouse.source, f"select count(*) from marts.{mart}"
        )
    total = "select round(sum(amortized_cost), 6) from marts.fct_cost_daily"
    assert query(warehouse.published, total) == query(warehouse.source, total)
    (stamp,) = query(warehouse.published, "select published_at, marts from cloudcost_meta.publication")
    assert stamp[0] is not None and set(stamp[1].split(",")) == published
    assert "raw" not in {row[0] for row in query(warehouse.published, "select schema_name from duckdb_schemas()")}


def test_publishing_again_swaps_the_file_under_an_open_reader(warehouse: Warehouse, tmp_path: Path) -> None:
    copy = private_copy(warehouse, tmp_path)
    publish_duckdb(copy.source, copy.published, DASHBOARD_MARTS)
    reader = duckdb.connect(str(copy.published), read_only=True)
    try:
        before = reader.execute("select count(*), sum(amortized_cost) from marts.fct_cost_daily").fetchone()
        writer = duckdb.connect(str(copy.source))
        writer.execute(
            "delete from marts.fct_cost_daily where billing_period = (select min(billing_period) "
            "from marts.fct_cost_daily)"
        )
        writer.close()
        publish_duckdb(copy.source, copy.published, DASHBOARD_MARTS)
        # the open reader keeps its consistent snapshot of the old copy
        assert reader.execute("select count(*), sum(amortized_cost) from marts.fct_cost_daily").fetchone() == before
    finally:
        reader.close()
    after = query(copy.published, "select count(*) from marts.fct_cost_daily")[0][0]
    assert after < before[0]
    assert sorted(p.name for p in copy.published.parent.iterdir()) == ["cloudcost.duckdb"]


def test_a_new_publication_reaches_the_dashboard_and_the_rest_of_the_process(
    warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard keeps the published copy open between queries: after a new publication it reads the new
    copy, and holding the old one never hands it to other code of the process that opens the same path."""
    from streamlit_app import data

    copy = private_copy(warehouse, tmp_path)
    publish_duckdb(copy.source, copy.published, DASHBOARD_MARTS)
    for name, value in copy.env().items():
        monkeypatch.setenv(name, value)
    count = "select count(*) as n from marts.fct_cost_daily"
    before = int(data.run(count).iloc[0]["n"])
    assert before == query(copy.published, count)[0][0]
    writer = duckdb.connect(str(copy.source))
    writer.execute(
        "delete from marts.fct_cost_daily where billing_period = (select min(billing_period) from marts.fct_cost_daily)"
    )
    writer.close()
    publish_duckdb(copy.source, copy.published, DASHBOARD_MARTS)
    after = query(copy.published, count)[0][0]
    assert after < before
    assert int(data.run(count).iloc[0]["n"]) == after


def test_publish_names_the_missing_warehouse(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="no DuckDB warehouse at"):
        publish_duckdb(tmp_path / "missing.duckdb", tmp_path / "published" / "x.duckdb", DASHBOARD_MARTS)
    with pytest.raises(PublishError, match="not a plain"):
        publish(load_settings("duckdb"), marts=["fct_cost_daily; drop table x"])


def test_published_path_defaults_beside_the_warehouse(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CLOUDCOST_DASHBOARD_DB", raising=False)
    monkeypatch.setenv("CLOUDCOST_DUCKDB_PATH", str(tmp_path / "warehouse" / "cloudcost.duckdb"))
    assert published_path(load_settings("duckdb")) == tmp_path / "warehouse" / "published" / "cloudcost.duckdb"
    monkeypatch.setenv("CLOUDCOST_DASHBOARD_DB", str(tmp_path / "elsewhere.duckdb"))
    assert published_path(load_settings("duckdb")) == tmp_path / "elsewhere.duckdb"


def test_publish_right_after_an_in_process_dbt_run(
    warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cloudcost build` runs dbt in its own process, which keeps the DuckDB file open: publish still works."""
    from cloudcost.dbt_runner import run_dbt

    copy = private_copy(warehouse, tmp_path)
    for name, value in copy.env().items():
        monkeypatch.setenv(name, value)
    settings = load_settings("duckdb")
    outcome = run_dbt(["run", "--select", "fct_cash_bridge"], settings, target_path=tmp_path / "target")
    assert outcome.success, outcome.exception
    result = publish_after_build(settings, outcome.results)
    assert result is not None
    assert "fct_cash_bridge" in result.marts and "fct_cost_daily" in result.marts
    assert query(copy.published, "select count(*) from marts.fct_cash_bridge") == query(
        warehouse.published, "select count(*) from marts.fct_cash_bridge"
    )


def test_dashboard_keeps_working_while_dbt_build_runs(
    warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = private_copy(warehouse, tmp_path)
    publish_duckdb(copy.source, copy.published, DASHBOARD_MARTS)
    for name, value in copy.env().items():
        monkeypatch.setenv(name, value)
    expected = query(copy.published, "select published_at from cloudcost_meta.publication")[0][0]
    # a plain dbt run reads the company seeds where the CLI places them: place the demo's company there
    from dashboard_warehouse import DEMO_COMPANY

    from cloudcost.company import place_company_seeds

    place_company_seeds(DEMO_COMPANY["duckdb"], PROJECT_ROOT)
    build = subprocess.Popen(
        dbt_command(
            tmp_path,
            "build",
            "--full-refresh",
            "--select",
            "+fct_cost_daily +fct_cash_bridge",
            "--exclude-resource-type",
            "test",
            "--exclude-resource-type",
            "unit_test",
        ),
        cwd=PROJECT_ROOT,
        env={**os.environ, **copy.env()},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    renders_during_build = 0
    try:
        while build.poll() is None and renders_during_build < 3:
            time.sleep(1.0)  # leave the (shared) cores to dbt between renders
            at = AppTest.from_file(str(APP), default_timeout=60).run()
            running = build.poll() is None
            assert not at.exception, [e.value for e in at.exception]
            assert at.metric, "the cost page showed no figures during the build"
            captions = " ".join(c.value for c in at.sidebar.caption)
            assert f"built at **{expected:%Y-%m-%d %H:%M} UTC**" in captions
            renders_during_build += running
    finally:
        output, _ = build.communicate(timeout=600)
    assert build.returncode == 0, output[-3000:]
    assert renders_during_build >= 1
    result = publish(load_settings("duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert f"built at **{result.published_at:%Y-%m-%d %H:%M} UTC**" in captions


def test_published_marts_are_stored_in_billing_period_order(warehouse: Warehouse) -> None:
    """A month's query on a large mart reads that month's row groups only (same rows as the source)."""
    for mart in ("fct_cost_resource_monthly", "fct_cost_daily"):
        stored = [row[0] for row in query(warehouse.published, f"select billing_period from marts.{mart}")]
        assert stored == sorted(stored), mart
        assert sorted(stored) == sorted(
            row[0] for row in query(warehouse.source, f"select billing_period from marts.{mart}")
        )
    money = "select round(sum(amortized_cost), 6), count(*) from marts.fct_cost_resource_monthly"
    assert query(warehouse.published, money) == query(warehouse.source, money)
