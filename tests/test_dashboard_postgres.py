"""The dashboard on Postgres after `cloudcost demo --target postgres`: it connects as a read-only role that
can read the marts and nothing else."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import psycopg2
import pytest
from dashboard_warehouse import APP, DEMO_READER
from streamlit.testing.v1 import AppTest

from cloudcost.pg_roles import ensure_reader_role
from cloudcost.publish import COMMENT_PREFIX, publish
from cloudcost.settings import Settings
from streamlit_app.pages_index import page_path

pytestmark = pytest.mark.postgres

ROLE = DEMO_READER


@pytest.fixture(scope="module")
def built(postgres_demo: dict[str, str], postgres_server: Settings) -> Settings:
    """The database `cloudcost demo --target postgres` built (the reader role was made before its build:
    default privileges cover the tables dbt creates)."""
    return replace(postgres_server, pg_database=postgres_demo["PGDATABASE"])


def reader_dsn(settings: Settings) -> str:
    return f"host={settings.pg_host} port={settings.pg_port} dbname={settings.pg_database} user={ROLE}"


def as_reader(settings: Settings, sql: str) -> list[tuple[object, ...]]:
    con = psycopg2.connect(reader_dsn(settings))
    try:
        with con.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall() if cur.description else []
    finally:
        con.close()


def as_owner(settings: Settings, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    con = psycopg2.connect(settings.pg_dsn)
    try:
        with con.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        con.close()


def test_reader_reads_the_marts_that_dbt_created_after_the_role(built: Settings) -> None:
    rows = as_reader(built, "select count(*) from marts.fct_cost_daily")[0][0]
    assert rows == as_owner(built, "select count(*) from marts.fct_cost_daily")[0][0] > 0


@pytest.mark.parametrize(
    "statement",
    [
        "select count(*) from raw.raw_cur_line_items",
        "select count(*) from staging.stg_cur__line_items",
        "create table marts.intruder (x int)",
        "create table public.intruder (x int)",
        "delete from marts.fct_cost_daily",
        "create schema intruder",
    ],
)
def test_reader_can_do_nothing_else(built: Settings, statement: str) -> None:
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        as_reader(built, statement)


def test_publish_stamps_the_schema_and_dashboard_reads_as_the_reader(
    built: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUDCOST_READER_USER", ROLE)
    result = publish(built)
    assert "fct_cost_daily" in result.marts
    comment = as_reader(built, "select obj_description('marts'::regnamespace, 'pg_namespace')")[0][0]
    assert comment.startswith(COMMENT_PREFIX)

    for name, value in {
        "CLOUDCOST_TARGET": "postgres",
        "PGHOST": built.pg_host,
        "PGPORT": str(built.pg_port),
        "PGDATABASE": built.pg_database,
        "PGUSER": "postgres-admin-must-not-be-used",
    }.items():
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page(page_path("cost-layers")).run()
    assert not at.exception, [e.value for e in at.exception]
    month = at.selectbox(key="sel_cost_month").value
    shown = {metric.label: float(re.sub(r"[^0-9.\-]", "", metric.value)) for metric in at.metric}
    expected = as_owner(
        built,
        "select sum(on_demand), sum(amortized_cost), sum(unblended_cost) from marts.fct_cost_daily "
        "where billing_period = %s and currency = 'USD'",
        (month,),
    )[0]
    assert shown["Public on-demand cost"] == pytest.approx(float(expected[0]), abs=0.005)
    assert shown["Amortized cost"] == pytest.approx(float(expected[1]), abs=0.005)
    assert shown["Unblended cost"] == pytest.approx(float(expected[2]), abs=0.005)
    captions = " ".join(caption.value for caption in at.sidebar.caption)
    assert f"built at **{result.published_at:%Y-%m-%d %H:%M} UTC**" in captions


def test_reader_role_name_is_checked(monkeypatch: pytest.MonkeyPatch, built: Settings) -> None:
    monkeypatch.setenv("CLOUDCOST_READER_USER", 'x"; drop role postgres; --')
    with pytest.raises(ValueError, match="plain lower-case role name"):
        ensure_reader_role(replace(built))


def test_dashboard_shows_a_clear_state_when_postgres_is_unreachable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CLOUDCOST_TARGET", "postgres")
    monkeypatch.setenv("PGHOST", "127.0.0.1")
    monkeypatch.setenv("PGPORT", "1")  # nothing listens there
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("run `cloudcost" in info.value for info in at.info)
