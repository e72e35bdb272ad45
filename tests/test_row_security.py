"""Row-level security by team on Postgres: each team role reads only its team's rows in every published mart
with `team` (right after a rebuild too), Finance reads everything, team roles read no company-wide mart, and
the dashboard switches to the signed-in team's role. Roles come from the company folder's reader_roles.csv."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg2
import pytest
from dashboard_warehouse import APP
from psycopg2 import sql
from publish_harness import build_command, build_env, cloudcost_build, pg_rows, role_prefix
from streamlit.testing.v1 import AppTest

from cloudcost.generator import latest_deliveries
from cloudcost.reader_roles import ReaderRolesError, read_reader_roles
from cloudcost.settings import PROJECT_ROOT, Settings
from streamlit_app.pages_index import PAGES

# teams of the generated company (seed 42) and the roles that read them
TEAM_A, TEAM_B = "checkout", "payments"
# marts with `team` that a small scenario may leave without a row of TEAM_A (no forecast, no anomaly, no budget)
MAY_HAVE_NO_ROWS_OF_A_TEAM = {
    "fct_forecast_vintages",
    "fct_itemized_actuals",
    "fct_cost_anomalies",
    "fct_budget_status",
}
PREFIX = role_prefix()
ROLE_A, ROLE_B, FINANCE, LOGIN = (f"{PREFIX}team_a", f"{PREFIX}team_b", f"{PREFIX}finance", f"{PREFIX}dash_login")
READER = f"{PREFIX}finance_reader"
TEAM_MARTS = {
    "dim_team",
    "fct_cost_daily",
    "fct_cost_layers",
    "fct_cost_showback",
    "fct_forecast_vintages",
    "fct_itemized_actuals",
    "fct_normalized_usage",
}


def run_cli(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cloudcost.cli", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def warehouse(
    postgres_database: Callable[[str], Settings], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Settings, dict[str, str]]:
    """A small generated company built and published on Postgres, with two team roles and a Finance role."""
    from dbt_harness import WAREHOUSE_SCHEMAS, reset_postgres_schemas

    settings = postgres_database("cloudcost_test_row_security")
    reset_postgres_schemas(settings, WAREHOUSE_SCHEMAS)
    folder = tmp_path_factory.mktemp("row_security")
    data = folder / "data"
    env = build_env(settings, folder, CLOUDCOST_READER_USER=READER)
    run_cli("generate", "--rows", "5000", "--months", "2", "--out", str(data), env=env)
    company = data / "company" if (data / "company").is_dir() else folder / "company"
    company.mkdir(exist_ok=True)
    (company / "reader_roles.csv").write_text(
        f"role,team\n{ROLE_A},{TEAM_A}\n{ROLE_B},{TEAM_B}\n{FINANCE},*\n", encoding="utf-8"
    )
    env["CLOUDCOST_COMPANY_DIR"] = str(company)
    run_cli("load", *map(str, latest_deliveries(data)), env=env)
    run_cli("load-finance", str(data / "finance"), str(data / "sign_offs"), env=env)
    code, output = cloudcost_build(env, select=None)
    assert code == 0, output
    return settings, env


def marts_with_team(settings: Settings) -> set[str]:
    rows = pg_rows(
        settings,
        "select table_name from information_schema.columns where table_schema = 'marts' and column_name = 'team'",
    )
    return {row[0] for row in rows}


def assert_each_role_reads_its_rows(settings: Settings) -> None:
    """In every published mart with `team`: a team role reads exactly its team's rows; Finance reads all."""
    marts = marts_with_team(settings)
    assert marts >= TEAM_MARTS
    for mart in sorted(marts):
        table = f"marts.{mart}"
        owner = dict(pg_rows(settings, f"select coalesce(team, '(null)'), count(*) from {table} group by 1"))
        assert owner.get(TEAM_A, 0) > 0 or mart in MAY_HAVE_NO_ROWS_OF_A_TEAM, (mart, owner)
        for role, team in ((ROLE_A, TEAM_A), (ROLE_B, TEAM_B)):
            query = f"select coalesce(team, '(null)'), count(*) from {table} group by 1"
            seen = dict(pg_rows(settings, query, user=role))
            assert seen == ({team: owner[team]} if team in owner else {}), (mart, role, seen)
        total = pg_rows(settings, f"select count(*) from {table}", user=FINANCE)[0][0]
        assert total == sum(owner.values()), mart
        assert pg_rows(settings, f"select count(*) from {table}", user=READER)[0][0] == total


@pytest.mark.slow
@pytest.mark.postgres
def test_team_roles_read_only_their_rows_and_finance_reads_all(warehouse: tuple[Settings, dict[str, str]]) -> None:
    settings, _ = warehouse
    assert_each_role_reads_its_rows(settings)
    forced = pg_rows(
        settings,
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = 'marts' and c.relrowsecurity and c.relforcerowsecurity",
    )
    assert {row[0] for row in forced} == marts_with_team(settings)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "select count(*) from marts.fct_invoice_reconciliation",
        "select count(*) from marts.fct_cash_bridge",
        "select count(*) from marts__build.fct_cost_daily",
        "select count(*) from raw.raw_cur_line_items",
        "delete from marts.fct_cost_daily",
    ],
)
def test_team_role_reads_no_company_wide_mart(warehouse: tuple[Settings, dict[str, str]], statement: str) -> None:
    settings, _ = warehouse
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        pg_rows(settings, statement, user=ROLE_A)


@pytest.mark.slow
@pytest.mark.postgres
def test_team_role_reads_reference_dimensions_and_only_its_own_mapping(
    warehouse: tuple[Settings, dict[str, str]],
) -> None:
    settings, _ = warehouse
    assert pg_rows(settings, "select count(*) from marts.dim_account", user=ROLE_A) == pg_rows(
        settings, "select count(*) from marts.dim_account"
    )
    assert pg_rows(settings, "select role_name, team from cloudcost_meta.reader_teams", user=ROLE_A) == [
        (ROLE_A, TEAM_A)
    ]


@pytest.mark.slow
@pytest.mark.postgres
def test_policies_hold_immediately_after_a_rebuild(warehouse: tuple[Settings, dict[str, str]]) -> None:
    settings, env = warehouse
    oids = "select c.relname, c.oid::bigint from pg_class c join pg_namespace n on n.oid = c.relnamespace "
    oids += "where n.nspname = 'marts' and c.relkind = 'r' order by 1"
    before = dict(pg_rows(settings, oids))
    count = f"select count(*), count(*) filter (where team <> '{TEAM_A}') from marts.fct_cost_daily"
    expected = pg_rows(settings, count, user=ROLE_A)
    build = subprocess.Popen(
        build_command("fct_cost_daily fct_cost_showback"),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    reads = 0
    try:
        while build.poll() is None:  # during the build and its swap, the team reads the same rows
            assert pg_rows(settings, count, user=ROLE_A) == expected
            reads += 1
            time.sleep(0.5)
    finally:
        output, _ = build.communicate(timeout=900)
    assert build.returncode == 0, output[-3000:]
    assert reads > 0
    after = dict(pg_rows(settings, oids))
    assert set(after) == set(before) and all(after[name] != before[name] for name in after)  # new tables
    assert_each_role_reads_its_rows(settings)


@pytest.mark.slow
@pytest.mark.postgres
def test_dashboard_reads_as_the_signed_in_team_role(
    warehouse: tuple[Settings, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard's login is a member of the team role and switches to it (CLOUDCOST_READER_ROLE)."""
    settings, _ = warehouse
    con = psycopg2.connect(settings.pg_dsn)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("select 1 from pg_roles where rolname = %s", (LOGIN,))
        if cur.fetchone() is None:
            cur.execute(sql.SQL("create role {} login").format(sql.Identifier(LOGIN)))
        cur.execute(sql.SQL("grant {} to {}").format(sql.Identifier(ROLE_A), sql.Identifier(LOGIN)))
    con.close()
    from streamlit_app import data

    for name, value in {
        "CLOUDCOST_TARGET": "postgres",
        "PGHOST": settings.pg_host,
        "PGPORT": str(settings.pg_port),
        "PGDATABASE": settings.pg_database,
        "CLOUDCOST_READER_USER": LOGIN,
        "CLOUDCOST_READER_ROLE": ROLE_A,
    }.items():
        monkeypatch.setenv(name, value)
    frame = data.aggregate("fct_cost_daily", ["team"], [("sum", "amortized_cost", "cost")])
    assert list(frame["team"]) == [TEAM_A]
    expected = pg_rows(settings, f"select sum(amortized_cost) from marts.fct_cost_daily where team = '{TEAM_A}'")
    assert float(frame["cost"].iloc[0]) == pytest.approx(float(expected[0][0]))
    assert not data.has_mart("fct_invoice_reconciliation")  # Finance only: not in the team's catalog
    for page in PAGES:  # every page renders for the team: its rows, or an empty state for Finance's marts
        at = AppTest.from_file(str(APP), default_timeout=60).run()
        if not page.default:
            at.switch_page(page.path).run()
        assert not at.exception, (page.title, [e.value for e in at.exception])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("name,team\nx,checkout\n", "the header must be exactly role,team"),
        ("role,team\nBad-Role,checkout\n", "not a plain lower-case Postgres role name"),
        ("role,team\nteam_a,\n", "the team is empty"),
        ("role,team\nteam_a,checkout\nteam_a,checkout\n", "given team checkout twice"),
        ("role,team\nteam_a,checkout,extra\n", "expected 2 fields, found 3"),
    ],
)
def test_reader_roles_file_is_checked(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "reader_roles.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReaderRolesError) as raised:
        read_reader_roles(path)
    message = raised.value.format_message()
    assert fragment in message and str(path) in message and "No role or policy was changed." in message


def test_reader_roles_file_maps_roles_to_teams(tmp_path: Path) -> None:
    path = tmp_path / "reader_roles.csv"
    path.write_text("role,team\nteam_a,checkout\nteam_a,search\n\nfinance,*\n", encoding="utf-8")
    roles = read_reader_roles(path)
    assert [(r.role, r.team, r.is_finance) for r in roles] == [
        ("team_a", "checkout", False),
        ("team_a", "search", False),
        ("finance", "*", True),
    ]


@pytest.mark.postgres
def test_a_role_that_bypasses_row_security_is_refused(postgres_database: Callable[[str], Settings]) -> None:
    from cloudcost.pg_roles import ensure_team_roles
    from cloudcost.reader_roles import ReaderRole

    name = f"{PREFIX}bypass"
    con = psycopg2.connect(postgres_database("cloudcost_test_row_security").pg_dsn)
    try:
        with con.cursor() as cur:
            cur.execute(sql.SQL("create role {} bypassrls").format(sql.Identifier(name)))
            with pytest.raises(ReaderRolesError, match="BYPASSRLS"):
                ensure_team_roles(cur, [ReaderRole(name, "checkout")])
    finally:
        con.rollback()
        con.close()


@pytest.mark.postgres
def test_marts_written_in_place_are_secured_views_included(postgres_database: Callable[[str], Settings]) -> None:
    """A plain `dbt build` writes marts directly (no build schema): publishing secures them where they are, and a
    view over a team table reads with the reader's rights (security_invoker), so the policy holds through it."""
    from cloudcost.build_status import BuildStatus, now
    from cloudcost.pg_publish import publish_schema
    from cloudcost.reader_roles import ReaderRole

    settings = postgres_database("cloudcost_test_row_security_in_place")
    con = psycopg2.connect(settings.pg_dsn)
    try:
        with con.cursor() as cur:
            for schema in ("marts", "marts__build", "cloudcost_meta"):
                cur.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
            cur.execute("create schema marts")
            cur.execute("create table marts.fct_costs (team text, amount numeric(38, 10))")
            cur.execute(f"insert into marts.fct_costs values ('{TEAM_A}', 1), ('{TEAM_B}', 2), ('unallocated', 4)")
            cur.execute(
                "create view marts.fct_costs_by_team as select team, sum(amount) as amount "
                "from marts.fct_costs group by team"
            )
        con.commit()
        roles = [ReaderRole(ROLE_A, TEAM_A), ReaderRole(FINANCE, "*")]
        assert set(publish_schema(con, roles, BuildStatus(now(), True))) == {"fct_costs", "fct_costs_by_team"}
    finally:
        con.close()
    by_team = "select team, amount from marts.fct_costs_by_team order by team"
    assert pg_rows(settings, by_team, user=ROLE_A) == [(TEAM_A, 1)]
    assert [row[0] for row in pg_rows(settings, by_team, user=FINANCE)] == sorted([TEAM_A, TEAM_B, "unallocated"])
    options = pg_rows(settings, "select reloptions from pg_class where oid = 'marts.fct_costs_by_team'::regclass")
    assert options == [(["security_invoker=true"],)]
