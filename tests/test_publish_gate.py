"""Publish only what passed: a build whose money check fails (a closed month restated after its close) leaves
the readers on the previous build, says so on the dashboard, and the next passing build is published; a build
killed with SIGKILL leaves the published marts as they were and the next build recovers. DuckDB and Postgres."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from dashboard_warehouse import APP
from publish_harness import (
    CLOSE_CHECK,
    CLOSE_STATUS_SQL,
    RECONCILIATION_SQL,
    RESTATEMENTS_SQL,
    SCENARIO,
    build_command,
    build_env,
    cloudcost_build,
    duckdb_rows,
    file_digest,
    pg_rows,
    role_prefix,
)
from streamlit.testing.v1 import AppTest
from test_finance_harness import scratch_warehouse

from cloudcost.build_status import gate, read_status_file, status_path
from cloudcost.finance import load_finance_paths
from cloudcost.loader import load_paths
from cloudcost.pg_publish import BUILD_SCHEMA
from cloudcost.publish import published_path
from cloudcost.settings import PROJECT_ROOT, Settings

PAYER = "999988887777"
RESTATED = [("011100000001", "AmazonEC2", "Credit", -25.0)]


def sign_off_restated_february(settings: Settings, tmp_path: Path, query: Callable[[str], list[Any]]) -> None:
    """Finance accepts the current delivery of February (the restated one)."""
    [(delivery_id,)] = query(
        "select delivery_id from raw.raw_cur_deliveries where billing_period = '2024-02-01' and superseded_at is null"
    )
    sign_offs = tmp_path / "sign_offs.csv"
    sign_offs.write_text(
        "period,delivery_id,signed_off_by,signed_off_on,note\n"
        f"2024-02,{delivery_id},controller@example.com,2024-04-10,late EC2 credit\n"
    )
    load_finance_paths([sign_offs], settings)


def published_view_duckdb(published: Path) -> dict[str, Any]:
    return {
        "digest": file_digest(published),
        "reconciliation": duckdb_rows(published, RECONCILIATION_SQL),
        "restatements": duckdb_rows(published, RESTATEMENTS_SQL),
        "stamp": duckdb_rows(published, "select published_at from cloudcost_meta.publication"),
    }


def sidebar_text(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    for name in ("CLOUDCOST_TARGET", "CLOUDCOST_DUCKDB_PATH", "PGHOST", "PGPORT", "PGDATABASE"):
        monkeypatch.setenv(name, env[name])
    for name in ("CLOUDCOST_READER_USER",):
        if name in env:
            monkeypatch.setenv(name, env[name])
    monkeypatch.delenv("CLOUDCOST_DASHBOARD_DB", raising=False)
    monkeypatch.delenv("PGUSER", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return " ".join(element.value for element in [*at.sidebar.error, *at.sidebar.caption, *at.sidebar.warning])


def test_gate_blocks_on_money_checks_and_unbuilt_models_only() -> None:
    class Node:
        def __init__(self, name: str, kind: str, tags: list[str]) -> None:
            self.name, self.resource_type, self.tags = name, kind, tags

    class Result:
        def __init__(self, node: Node, status: str) -> None:
            self.node, self.status = node, status

    money = Node(CLOSE_CHECK, "test", ["money"])
    column = Node("not_null_fct_forecast_accuracy_wape", "test", [])
    model = Node("fct_cost_daily", "model", [])
    assert gate([Result(money, "pass"), Result(column, "fail"), Result(model, "success")]).passed
    failed = gate([Result(money, "fail"), Result(column, "fail"), Result(model, "success")])
    assert not failed.passed and failed.failing_checks == (CLOSE_CHECK,)
    assert gate([Result(model, "error")]).failing_checks == ("fct_cost_daily (not built)",)


@pytest.mark.slow
def test_duckdb_failed_money_check_keeps_the_last_good_copy(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = scratch_warehouse(request, "duckdb", "unused")
    env = build_env(settings, tmp_path)
    published = published_path(settings)
    load_paths([SCENARIO / "original"], settings, progress=False)
    load_finance_paths([SCENARIO / "finance"], settings)
    code, output = cloudcost_build(env)
    assert code == 0, output
    good = published_view_duckdb(published)
    assert good["restatements"] == [] and read_status_file(published).passed  # type: ignore[union-attr]

    # February is re-delivered after its close: the closed-period check fails, the copy is not replaced
    load_paths([SCENARIO / "restated"], settings, progress=False)
    code, output = cloudcost_build(env)
    assert code != 0 and "NOT published" in output and CLOSE_CHECK in output, output
    assert published_view_duckdb(published) == good
    assert duckdb_rows(settings.duckdb_path, RESTATEMENTS_SQL) == RESTATED  # the build itself went through
    status = read_status_file(published)
    assert status is not None and not status.passed and status.failing_checks == (CLOSE_CHECK,)
    shown = sidebar_text(env, monkeypatch)
    reading = f"{good['stamp'][0][0]:%Y-%m-%d %H:%M} UTC"
    assert f"The latest build failed checks: {CLOSE_CHECK} (built at {status.built_at:%Y-%m-%d %H:%M} UTC)" in shown
    assert f"you are reading the build of {reading}" in shown

    # Finance signs the new delivery off: the next build passes and is published
    sign_off_restated_february(settings, tmp_path, lambda sql: duckdb_rows(settings.duckdb_path, sql))
    code, output = cloudcost_build(env)
    assert code == 0, output
    assert duckdb_rows(published, RESTATEMENTS_SQL) == RESTATED
    assert read_status_file(published).passed  # type: ignore[union-attr]
    assert "The latest build failed checks" not in sidebar_text(env, monkeypatch)


@pytest.fixture
def pg_settings(request: pytest.FixtureRequest) -> Settings:
    return scratch_warehouse(request, "postgres", "cloudcost_test_publish_gate")


def published_view_postgres(settings: Settings, reader: str) -> dict[str, Any]:
    return {
        "relations": pg_rows(
            settings,
            "select c.relname, c.oid::bigint from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'marts' and c.relkind = 'r' order by 1",
        ),
        "reconciliation": pg_rows(settings, RECONCILIATION_SQL, user=reader),
        "restatements": pg_rows(settings, RESTATEMENTS_SQL, user=reader),
        "close": pg_rows(settings, CLOSE_STATUS_SQL, user=reader),
        "stamp": pg_rows(settings, "select obj_description('marts'::regnamespace, 'pg_namespace')", user=reader),
    }


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_failed_money_check_keeps_the_published_schema(
    pg_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = pg_settings
    reader = f"{role_prefix()}finance_reader"
    env = build_env(settings, tmp_path, CLOUDCOST_READER_USER=reader)
    monkeypatch.setenv("CLOUDCOST_READER_USER", reader)
    load_paths([SCENARIO / "original"], settings, progress=False)
    load_finance_paths([SCENARIO / "finance"], settings)
    code, output = cloudcost_build(env)
    assert code == 0, output
    good = published_view_postgres(settings, reader)
    assert good["close"] == [("2024-02-01", "reconciled"), ("2024-03-01", "reconciled")]

    load_paths([SCENARIO / "restated"], settings, progress=False)
    code, output = cloudcost_build(env)
    assert code != 0 and "NOT published" in output, output
    assert f"closed period not reconciled: period 2024-02 (payer {PAYER}" in output  # read from the build schema
    assert published_view_postgres(settings, reader) == good  # same tables (oids), same rows, same stamp
    assert pg_rows(settings, RESTATEMENTS_SQL.replace("marts.", f"{BUILD_SCHEMA}.")) == RESTATED
    built_at, passed, checks = pg_rows(
        settings, "select built_at, passed, failing_checks from cloudcost_meta.build_status order by built_at desc"
    )[0]
    assert (passed, checks) == (False, CLOSE_CHECK)
    shown = sidebar_text(env, monkeypatch)
    assert f"The latest build failed checks: {CLOSE_CHECK} (built at {built_at:%Y-%m-%d %H:%M} UTC)" in shown

    sign_off_restated_february(settings, tmp_path, lambda sql: pg_rows(settings, sql))
    code, output = cloudcost_build(env)
    assert code == 0, output
    assert pg_rows(settings, RESTATEMENTS_SQL, user=reader) == RESTATED
    assert pg_rows(settings, CLOSE_STATUS_SQL, user=reader) == [
        ("2024-02-01", "accepted"),
        ("2024-03-01", "reconciled"),
    ]
    assert "The latest build failed checks" not in sidebar_text(env, monkeypatch)


def kill_build_midway(env: dict[str, str], log: Path) -> None:
    """Start `cloudcost build`, SIGKILL its process group once dbt has built a few models (not all)."""
    with log.open("w") as handle:
        process = subprocess.Popen(
            build_command(),
            cwd=PROJECT_ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            time.sleep(0.5)
            assert process.poll() is None, f"the build ended before it could be killed:\n{log.read_text()[-3000:]}"
            text = log.read_text()
            if "cloudcost build: dbt build with" in text and text.count(" OK created ") >= 3:
                break
        else:
            pytest.fail(f"the build did not start building within 300 s:\n{log.read_text()[-3000:]}")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert "published" not in log.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_killed_build_leaves_published_marts_and_the_next_build_recovers(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    settings = scratch_warehouse(request, engine, "cloudcost_test_publish_kill")
    reader = f"{role_prefix()}finance_reader"
    env = build_env(settings, tmp_path, CLOUDCOST_READER_USER=reader)
    load_paths([SCENARIO / "original"], settings, progress=False)
    load_finance_paths([SCENARIO / "finance"], settings)
    code, output = cloudcost_build(env)
    assert code == 0, output
    published = published_path(settings)

    def view() -> Any:
        if engine == "duckdb":
            return published_view_duckdb(published), status_path(published).read_text()
        status = pg_rows(settings, "select count(*) from cloudcost_meta.build_status")
        return published_view_postgres(replace(settings), reader), status

    before = view()
    # a restated February, signed off: the next build would publish different marts
    load_paths([SCENARIO / "restated"], settings, progress=False)
    if engine == "postgres":
        sign_off_restated_february(settings, tmp_path, lambda sql: pg_rows(settings, sql))
    else:
        sign_off_restated_february(settings, tmp_path, lambda sql: duckdb_rows(settings.duckdb_path, sql))
    kill_build_midway(env, tmp_path / "killed-build.log")
    assert view() == before

    code, output = cloudcost_build(env)
    assert code == 0, output
    if engine == "duckdb":
        assert duckdb_rows(published, RESTATEMENTS_SQL) == RESTATED
        assert read_status_file(published).passed  # type: ignore[union-attr]
    else:
        assert pg_rows(settings, RESTATEMENTS_SQL, user=reader) == RESTATED
        assert pg_rows(settings, "select count(*) from pg_namespace where nspname like 'marts\\_\\_%'") == [(1,)]
