"""`cloudcost mappings check` on the real CUR samples, built with the samples' company folder and with
the neutral starter: its shares equal an independent query on fct_cost_daily, the CI gate exits non-zero above
the threshold, and a warehouse built without the demo company holds none of the demo company's names.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from dbt_harness import SAMPLES_COMPANY, DbtWorkspace
from readme_commands import commands_of

from cloudcost.cli import main
from cloudcost.generator.company_folder import DEMO_COMPANY_DIR
from cloudcost.loader import load_paths
from cloudcost.mappings.check import mapping_report
from cloudcost.settings import Settings, load_settings

pytestmark = pytest.mark.slow


@dataclass
class Built:
    workspace: DbtWorkspace
    settings: Settings
    company: Path | None


def build(root: Path, fixtures: Path, company: Path | None) -> Built:
    settings = replace(load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb", company_dir=company)
    load_paths([fixtures], settings, progress=False)
    workspace = DbtWorkspace.create(root / "project", settings, company=company)
    workspace.dbt_cost_models("build")
    return Built(workspace, settings, company)


@pytest.fixture(scope="module")
def with_samples_company(tmp_path_factory: pytest.TempPathFactory, cur_samples_dir: Path) -> Iterator[Built]:
    yield build(tmp_path_factory.mktemp("mappings-samples"), cur_samples_dir, SAMPLES_COMPANY)


@pytest.fixture(scope="module")
def with_starter(tmp_path_factory: pytest.TempPathFactory, cur_samples_dir: Path) -> Iterator[Built]:
    yield build(tmp_path_factory.mktemp("mappings-starter"), cur_samples_dir, None)


def run_check(built: Built, *args: str) -> object:
    env = {"CLOUDCOST_DUCKDB_PATH": str(built.settings.duckdb_path), "CLOUDCOST_TARGET": "duckdb"}
    company = ["--company", str(built.company)] if built.company else []
    return CliRunner().invoke(main, [*company, "mappings", "check", *args], env=env, catch_exceptions=False)


def independent_amounts(built: Built, period: str) -> dict[tuple[str, str], tuple[float, float]]:
    """(unallocated, total) amortized cost per (dimension, currency), straight from the public daily mart."""
    amounts = {}
    for dimension in ("team", "host_type", "functional_group"):
        rows = built.workspace.query(
            f"select currency, sum(case when {dimension} = 'unallocated' then amortized_cost else 0 end), "
            f"sum(amortized_cost) from marts.fct_cost_daily "
            f"where billing_period = cast('{period}-01' as date) group by currency"
        )
        for currency, unallocated, total in rows:
            amounts[(dimension, currency)] = (float(unallocated), float(total))
    return amounts


def independent_shares(built: Built, period: str) -> dict[tuple[str, str], float]:
    return {key: unallocated / total for key, (unallocated, total) in independent_amounts(built, period).items()}


@pytest.mark.parametrize("which", ["with_samples_company", "with_starter"])
def test_shares_equal_an_independent_query_on_the_marts(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    periods = [
        str(row[0])[:7] for row in built.workspace.query("select distinct billing_period from marts.fct_cost_daily")
    ]
    assert len(periods) == 3
    for period in periods:
        report = mapping_report(built.settings, period, ())
        expected = independent_amounts(built, period)
        found = {(share.dimension, share.currency): share for share in report.shares}
        assert set(found) == set(expected)
        for key, (unallocated, total) in expected.items():
            assert found[key].unallocated == pytest.approx(unallocated, abs=1e-6), (period, key)
            assert found[key].total == pytest.approx(total, abs=1e-6), (period, key)
            if abs(total) > 1.0:  # a share of a total near zero says nothing (a month of credits and usage)
                assert found[key].unallocated_share == pytest.approx(unallocated / total, abs=1e-9), (period, key)


def test_the_samples_company_allocates_more_than_the_starter(with_samples_company: Built, with_starter: Built) -> None:
    period = "2018-10"
    samples = independent_shares(with_samples_company, period)
    starter = independent_shares(with_starter, period)
    assert samples[("team", "USD")] < starter[("team", "USD")]
    assert samples[("functional_group", "USD")] < starter[("functional_group", "USD")] == pytest.approx(1.0)


def test_json_report_names_the_rules_and_tag_keys(with_samples_company: Built) -> None:
    outcome = run_check(with_samples_company, "--format", "json", "--period", "2018-10")
    assert outcome.exit_code == 0, outcome.output
    report = json.loads(outcome.stdout)
    assert report["billing_period"] == "2018-10"
    rules = {(row["dimension"], row["rule_id"]) for row in report["rules"]}
    assert ("functional_group", "analytics_glue") in rules
    assert ("team", "account_default") in rules
    keys = {row["tag_key"] for row in report["tag_keys"]}
    assert "user_name" in keys
    claimed = {key["functional_group_rule_id"] for key in report["allocation_keys"]}
    assert "analytics_glue" in claimed
    total = sum(key["amortized_cost"] for key in report["allocation_keys"])
    team = next(row for row in report["dimensions"] if row["dimension"] == "team")
    assert total == pytest.approx(team["amortized_cost"], abs=1e-9)


def test_max_unallocated_is_a_ci_gate(with_samples_company: Built) -> None:
    shares = independent_shares(with_samples_company, "2018-10")
    worst = max(shares.values()) * 100
    above = run_check(with_samples_company, "--period", "2018-10", "--max-unallocated", f"{worst - 0.1:.3f}")
    assert above.exit_code == 1
    assert "above --max-unallocated" in above.stderr
    below = run_check(with_samples_company, "--period", "2018-10", "--max-unallocated", f"{worst + 0.1:.3f}")
    assert below.exit_code == 0, below.output
    assert "billing period 2018-10" in below.stdout


def test_an_unknown_period_is_refused(with_samples_company: Built) -> None:
    outcome = run_check(with_samples_company, "--period", "2017-01")
    assert outcome.exit_code != 0
    assert "2017-01 is not loaded" in outcome.output


def demo_names() -> set[str]:
    """Names only the demo company knows: its teams, accounts, cost centres and functional groups."""
    names: set[str] = set()
    for file_name, column in (
        ("teams.csv", "team"),
        ("map_account_teams.csv", "account_id"),
        ("map_team_tag_rules.csv", "input_value"),
        ("functional_groups.csv", "functional_group"),
        ("map_host_type_rules.csv", "host_type"),
    ):
        with (DEMO_COMPANY_DIR / file_name).open() as handle:
            names |= {row[column] for row in csv.DictReader(handle) if row[column]}
    return names - {"unallocated"}


def test_no_demo_name_reaches_a_warehouse_built_without_the_demo_company(with_starter: Built) -> None:
    names = sorted(demo_names())
    assert "CC-1000" in names and "payments" in names
    columns = with_starter.workspace.query(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and table_schema not in ('information_schema', 'pg_catalog')"
    )
    assert len(columns) > 100
    listed = ", ".join(f"'{name}'" for name in names)
    found = []
    for schema, table, column in columns:
        hits = with_starter.workspace.query(
            f'select distinct "{column}" from "{schema}"."{table}" where "{column}" in ({listed})'
        )
        found += [f"{schema}.{table}.{column} = {hit[0]}" for hit in hits]
    assert found == []


def run_readme_line(built: Built, argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(
        {
            "CLOUDCOST_TARGET": "duckdb",
            "CLOUDCOST_DUCKDB_PATH": str(built.settings.duckdb_path),
            "CLOUDCOST_COMPANY_DIR": str(built.company),
        }
    )
    cli = str(Path(sys.executable).parent / "cloudcost")
    return subprocess.run([cli, *argv[1:]], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_readme_metrics_command_runs_verbatim(with_samples_company: Built, tmp_path: Path) -> None:
    [argv] = commands_of("metrics")
    completed = run_readme_line(with_samples_company, argv, tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "2018-10-01" in completed.stdout and "USD" in completed.stdout


def test_readme_export_and_mappings_commands_run_verbatim(with_samples_company: Built, tmp_path: Path) -> None:
    for subcommand in ("export", "mappings"):
        for argv in commands_of(subcommand):
            completed = run_readme_line(with_samples_company, argv, tmp_path)
            assert completed.returncode in (0, 1), completed.stdout + completed.stderr  # 1: the CI gate's verdict
            assert "Error" not in completed.stderr, completed.stderr
    [export_line] = commands_of("export")
    written = tmp_path / export_line[export_line.index("--out") + 1]
    assert written.exists()
