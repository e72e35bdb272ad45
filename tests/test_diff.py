"""`cloudcost diff` end to end on the trimmed real CUR fixtures, in a throwaway git repository.

The repository is a copy of this project's working tree committed as `main`; the tests then change the
working tree of that copy. One functional-group rule is superseded by a new row (valid_from 2019-01-01), so
the Glue cost of 2023-11 and 2026-04 moves to another group while 2018-10 keeps its group. The diff must
report exactly that cost, equal to the mapping-change report (`fct_mapping_changes`) for the same two
dates, on DuckDB and on Postgres.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner
from dbt_harness import SAMPLES_COMPANY

from cloudcost.diff.command import diff
from cloudcost.diff.dbt_side import Side, run_dbt_side
from cloudcost.loader.api import load_paths
from cloudcost.settings import Settings, load_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "cur"
# the company folder committed beside the project in the test repository: the real samples' rules
COMPANY = "company"
RULES = f"{COMPANY}/map_functional_group_rules.csv"
OLD_ROW = "analytics_glue,40,AWSGlue,,,,,,,data_and_analytics,2015-01-01,,Data preparation and ETL\n"
CLOSED_ROW = "analytics_glue,40,AWSGlue,,,,,,,data_and_analytics,2015-01-01,2019-01-01,Data preparation and ETL\n"
NEW_ROW = "analytics_glue,40,AWSGlue,,,,,,,research_and_development,2019-01-01,,Glue jobs are development work\n"
CHANGE_DATE = "2019-01-01"
TOLERANCE = 1e-9

pytestmark = pytest.mark.slow


def git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=cloudcost tests", "-c", "user.email=tests@example.invalid", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


def make_project_repo(destination: Path) -> Path:
    """A git repository whose `main` holds this project's working tree as it is now."""
    listed = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    destination.mkdir(parents=True, exist_ok=True)
    for relative in filter(None, listed.split("\0")):
        source = PROJECT_ROOT / relative
        if source.is_file():
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    shutil.copytree(SAMPLES_COMPANY, destination / COMPANY)
    git(destination, "init", "--quiet", "--initial-branch", "main")
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "--message", "base")
    return destination


def supersede_glue_rule(repo: Path) -> None:
    rules = (repo / RULES).read_text()
    if OLD_ROW not in rules:
        pytest.skip(f"{RULES} no longer has the analytics_glue rule this test supersedes")
    (repo / RULES).write_text(rules.replace(OLD_ROW, CLOSED_ROW + NEW_ROW))


def run_diff_command(repo: Path, settings: Settings, *extra: str, base: str = "main") -> Any:
    env = {
        "CLOUDCOST_TARGET": settings.target,
        "CLOUDCOST_DUCKDB_PATH": str(settings.duckdb_path),
        "PGHOST": settings.pg_host,
        "PGPORT": str(settings.pg_port),
        "PGUSER": settings.pg_user,
        "PGDATABASE": settings.pg_database,
        "CLOUDCOST_COMPANY_DIR": str(repo / COMPANY),
    }
    return CliRunner().invoke(
        diff, ["--base", base, "--project-dir", str(repo), "--quiet", *extra], env=env, catch_exceptions=False
    )


@pytest.fixture(scope="module")
def raw_duckdb(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The trimmed fixtures loaded into a scratch DuckDB warehouse (raw schema only)."""
    settings = replace(load_settings("duckdb"), duckdb_path=tmp_path_factory.mktemp("raw") / "warehouse.duckdb")
    load_paths([FIXTURES], settings, progress=False)
    return settings


@pytest.fixture(scope="module")
def mapping_diff(tmp_path_factory: pytest.TempPathFactory, raw_duckdb: Settings) -> dict[str, Any]:
    """The diff of the superseded rule on DuckDB, with its scratch folder kept for checking."""
    root = tmp_path_factory.mktemp("mapping")
    repo = make_project_repo(root / "repo")
    supersede_glue_rule(repo)
    work = root / "work"
    outcome = run_diff_command(
        repo,
        raw_duckdb,
        "--work-dir",
        str(work),
        "--keep",
        "--json",
        str(root / "diff.json"),
        "--out",
        str(root / "diff.md"),
    )
    assert outcome.exit_code == 0, outcome.output
    return {
        "json": json.loads((root / "diff.json").read_text()),
        "markdown": (root / "diff.md").read_text(),
        "stdout": outcome.stdout,
        "work": work,
        "root": root,
    }


def metric_rows(
    report: dict[str, Any], model: str, measure: str, breakdown: str | None
) -> dict[tuple[str, str], float]:
    for table in report["metrics"]:
        if (table["model"], table["measure"], table["breakdown"]) == (model, measure, breakdown):
            return {(row["period"], row["group"]): row["change"] for row in table["rows"]}
    raise AssertionError(f"no metric table {model} / {measure} / {breakdown}")


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def glue_cost_on_base(work: Path) -> dict[str, tuple[float, float]]:
    """Per month, the base's Glue cost in data_and_analytics: (public on-demand, amortized)."""
    rows = query(
        work / "base" / "cloudcost_diff.duckdb",
        "select strftime(billing_period, '%Y-%m'), sum(public_on_demand_cost), sum(amortized_cost) "
        "from marts.fct_cost_daily where service_code = 'AWSGlue' and functional_group = 'data_and_analytics' "
        "group by 1",
    )
    return {period: (float(on_demand), float(amortized)) for period, on_demand, amortized in rows}


def test_diff_reports_exactly_the_glue_cost_that_moved(mapping_diff: dict[str, Any]) -> None:
    report = mapping_diff["json"]
    glue = glue_cost_on_base(mapping_diff["work"])
    moved_months = {period for period in glue if period >= CHANGE_DATE[:7]}
    assert "2018-10" in glue and glue["2018-10"][0] > 0, "fixture data changed: 2018-10 Glue cost expected"
    assert moved_months, "fixture data changed: Glue cost after 2019 expected"

    on_demand = metric_rows(report, "fct_cost_daily", "public on-demand cost", "functional_group")
    expected = {}
    for period in moved_months:
        expected[(period, "data_and_analytics")] = -glue[period][0]
        expected[(period, "research_and_development")] = glue[period][0]
    assert set(on_demand) == set(expected)  # nothing else moved, 2018-10 did not move
    for key, value in expected.items():
        assert on_demand[key] == pytest.approx(value, abs=TOLERANCE)
    # the month totals do not move: cost changed group, it was not created or lost
    assert metric_rows(report, "fct_cost_daily", "public on-demand cost", None) == {}
    assert metric_rows(report, "fct_cost_daily", "amortized cost", None) == {}
    assert metric_rows(report, "fct_cost_daily", "amortized cost", "team") == {}

    markdown = mapping_diff["markdown"]
    assert mapping_diff["stdout"].strip() == markdown.strip()
    for period in moved_months:
        assert f"| {period} | USD | data_and_analytics |" in markdown
        assert f"| {period} | USD | research_and_development |" in markdown
    assert "| 2018-10 |" not in markdown
    assert "| `map_functional_group_rules` | seed | modified |" in markdown
    assert f"closed: valid_to {CHANGE_DATE}" in markdown
    assert f"added (rule_id=analytics_glue, valid_from={CHANGE_DATE})" in markdown
    assert "mapping_change_from_date: 2018-12-31, mapping_change_to_date: 2019-01-01" in markdown
    assert "The monthly totals of `fct_cost_daily` did not change" in markdown


def test_diff_moves_equal_the_mapping_change_report(mapping_diff: dict[str, Any], raw_duckdb: Settings) -> None:
    """Rebuild fct_mapping_changes on the branch side for the rules as of the day before and the day of the change."""
    work: Path = mapping_diff["work"]
    head_db = work / "head" / "cloudcost_diff.duckdb"
    checker = Side(
        "check",
        work / "head" / "src",
        mapping_diff["root"] / "check",
        replace(raw_duckdb, duckdb_path=head_db),
        company_dir=mapping_diff["root"] / "repo" / COMPANY,
    )
    dates = "{mapping_change_from_date: '2018-12-31', mapping_change_to_date: '" + CHANGE_DATE + "'}"
    selection = "int_allocation_scenarios+,+fct_mapping_changes"
    built = run_dbt_side(checker, ["run", "--select", selection, "--vars", dates], show_progress=False)
    assert built.success, built.describe()
    report_rows = query(
        head_db,
        "select strftime(billing_period, '%Y-%m'), currency, dimension, from_value, to_value, "
        "amortized_cost_moved, public_on_demand_cost_moved from marts.fct_mapping_changes "
        f"where billing_period >= date '{CHANGE_DATE}'",
    )
    expected = {row[:5]: (row[5], row[6]) for row in report_rows}
    assert expected, "the mapping-change report shows no moved cost"
    found = {
        (move["period"], *move["fixed"], move["dimension"], move["from_value"], move["to_value"]): (
            move["amounts"]["amortized cost"],
            move["amounts"]["public on-demand cost"],
        )
        for move in mapping_diff["json"]["moves"]
    }
    # moves whose amounts are all below the report tolerance are not listed by the diff
    expected = {key: value for key, value in expected.items() if max(abs(value[0]), abs(value[1])) > 1e-6}
    assert set(found) == set(expected)
    for key, (amortized, on_demand) in expected.items():
        assert found[key][0] == pytest.approx(amortized, abs=TOLERANCE)
        assert found[key][1] == pytest.approx(on_demand, abs=TOLERANCE)
    # and the per-group deltas of fct_cost_daily add up to the same moves
    deltas = metric_rows(mapping_diff["json"], "fct_cost_daily", "public on-demand cost", "functional_group")
    for (period, _currency, dimension, from_value, to_value), (_amortized, on_demand) in expected.items():
        assert dimension == "functional_group"
        assert deltas[(period, to_value)] == pytest.approx(on_demand, abs=TOLERANCE)
        assert deltas[(period, from_value)] == pytest.approx(-on_demand, abs=TOLERANCE)


def test_unchanged_tree_says_nothing_changed(tmp_path: Path, raw_duckdb: Settings) -> None:
    repo = make_project_repo(tmp_path / "repo")
    outcome = run_diff_command(repo, raw_duckdb)
    assert outcome.exit_code == 0, outcome.output
    lines = outcome.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("cloudcost diff: no changes between `main`")


def test_unknown_base_ref_is_an_error(tmp_path: Path, raw_duckdb: Settings) -> None:
    repo = make_project_repo(tmp_path / "repo")
    outcome = run_diff_command(repo, raw_duckdb, base="no-such-branch")
    assert outcome.exit_code != 0
    assert "'no-such-branch' is not a commit" in outcome.output


def test_missing_raw_data_is_an_error(tmp_path: Path) -> None:
    repo = make_project_repo(tmp_path / "repo")
    supersede_glue_rule(repo)
    empty = replace(load_settings("duckdb"), duckdb_path=tmp_path / "nothing-loaded.duckdb")
    outcome = run_diff_command(repo, empty)
    assert outcome.exit_code != 0
    assert "load CUR files first" in outcome.output


@pytest.mark.postgres
def test_postgres_reports_the_same_moves(
    tmp_path: Path, postgres_database: Callable[[str], Settings], mapping_diff: dict[str, Any]
) -> None:
    settings = postgres_database("cloudcost_diff_test")
    load_paths([FIXTURES], settings, progress=False)
    repo = make_project_repo(tmp_path / "repo")
    supersede_glue_rule(repo)
    outcome = run_diff_command(repo, settings, "--json", str(tmp_path / "diff.json"))
    assert outcome.exit_code == 0, outcome.output
    report = json.loads((tmp_path / "diff.json").read_text())
    for measure in ("public on-demand cost", "amortized cost"):
        for breakdown in (None, "functional_group", "team", "host_type"):
            on_postgres = metric_rows(report, "fct_cost_daily", measure, breakdown)
            on_duckdb = metric_rows(mapping_diff["json"], "fct_cost_daily", measure, breakdown)
            assert set(on_postgres) == set(on_duckdb)
            for key, value in on_duckdb.items():
                assert on_postgres[key] == pytest.approx(value, abs=TOLERANCE)
    assert len(report["moves"]) == len(mapping_diff["json"]["moves"])
    import psycopg2

    con = psycopg2.connect(settings.pg_dsn)
    try:
        with con.cursor() as cur:
            cur.execute("select schema_name from information_schema.schemata where schema_name like 'ccdiff%'")
            assert cur.fetchall() == [], "the diff left scratch schemas behind"
    finally:
        con.close()
