"""The production build vs the test suite: which tests run where, and the no-op build.

- The selectors in selectors.yml and the Python rule (cloudcost.test_split) name the same money checks, the
  money checks and the check-only tests split every test, and the checks the production build must run are in.
- The input fingerprint changes with each input of a build (raw data, seeds, vars, SQL, company folder, date,
  a dbt command that wrote relations, a dropped relation), and `cloudcost build` runs nothing while it holds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from dbt_harness import DbtWorkspace

from cloudcost import build_state
from cloudcost.settings import PROJECT_ROOT, Settings, load_settings
from cloudcost.test_split import CHECK_ONLY_SELECTOR, MONEY_SELECTOR, is_money_check

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "cur" / "cur2-2026-04-trimmed.csv"
SECOND_FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "cur" / "legacy-csv-2023-11-trimmed.csv"


# -- which tests run where --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Each selector's tests by `dbt ls`, and every test of the manifest by the Python rule."""
    root = tmp_path_factory.mktemp("split")
    settings = replace(load_settings("duckdb"), duckdb_path=root / "unused.duckdb")
    workspace = DbtWorkspace.create(root / "project", settings)

    def names(selector: str) -> set[str]:
        output = workspace.dbt("ls", "--selector", selector, "--output", "selector", "--quiet")
        return {line.strip() for line in output.splitlines() if line.strip()}

    sets = {"money": names(MONEY_SELECTOR), "check_only": names(CHECK_ONLY_SELECTOR)}
    manifest = json.loads((workspace.root / "target" / "manifest.json").read_text())
    tests = [node for node in manifest["nodes"].values() if node["resource_type"] == "test"]
    sets["all_data_tests"] = {".".join(node["fqn"]) for node in tests}
    sets["rule_money"] = {".".join(node["fqn"]) for node in tests if is_money_check(node)}
    sets["not_null"] = {".".join(n["fqn"]) for n in tests if (n.get("test_metadata") or {}).get("name") == "not_null"}
    unit_tests = manifest["unit_tests"].values()
    sets["unit"] = {f"unit_test:{test['package_name']}.{test['unique_id'].rsplit('.', 1)[-1]}" for test in unit_tests}
    return sets


def test_selectors_and_the_python_rule_name_the_same_money_checks(listed: dict[str, set[str]]) -> None:
    assert listed["money"] == listed["rule_money"]


def test_money_checks_and_check_only_tests_split_every_test(listed: dict[str, set[str]]) -> None:
    assert not listed["money"] & listed["check_only"]
    data_tests_left_out = listed["all_data_tests"] - listed["money"] - listed["check_only"]
    assert not data_tests_left_out, f"tests in neither set: {sorted(data_tests_left_out)}"
    assert listed["unit"] <= listed["check_only"], "every unit test runs in cloudcost check"
    assert listed["not_null"] <= listed["check_only"], "per-column not_null tests run in cloudcost check"


def test_the_production_build_runs_the_checks_that_guard_money_and_the_close(listed: dict[str, set[str]]) -> None:
    money = {name.rsplit(".", 1)[-1] for name in listed["money"]}
    expected = {
        "stg_cur__line_items_conserves_raw_totals",  # conservation, raw -> staging -> lines -> marts
        "int_cost_lines_conserve_staging",
        "fct_cost_layers_conserve_int_cost_lines",
        "assert_cost_layers_equal_amortized_cost",
        "assert_cash_bridge_balances",  # the cash bridge
        "fct_cash_bridge_unblended_equals_raw",
        "assert_closed_periods_are_reconciled",  # reconciliation and the close
        "fct_invoice_reconciliation_conserves_invoice_totals",
        "unique_fct_invoice_reconciliation_reconciliation_key",
        "assert_cur_line_item_types_are_classified",  # unknown line item types
        "unique_int_cost_lines_line_item_key",  # keys of the line-grain tables
        "unique_int_normalized_usage_line_item_key",
        "unique_int_commitment_usage_lines_line_item_key",
    }
    assert expected <= money, f"missing from the production build: {sorted(expected - money)}"
    assert len(money) < len(listed["all_data_tests"]) / 5, "the production build runs a small share of the tests"


# -- the input fingerprint --------------------------------------------------------------------------------
def copy_project(destination: Path) -> Path:
    destination.mkdir()
    for name in build_state.PROJECT_FILES:
        shutil.copy(PROJECT_ROOT / name, destination / name)
    for folder in build_state.PROJECT_FOLDERS:
        if (PROJECT_ROOT / folder).is_dir():
            shutil.copytree(PROJECT_ROOT / folder, destination / folder)
    return destination


def test_the_fingerprint_changes_with_every_input_of_a_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    company = tmp_path / "company"
    company.mkdir()
    (company / "budgets.csv").write_text("team,amount\nsearch,100\n")
    settings = replace(load_settings("duckdb"), duckdb_path=tmp_path / "wh.duckdb", company_dir=company)
    con = duckdb.connect(str(settings.duckdb_path))
    con.execute("create schema raw")
    con.execute("create table raw.small (id varchar, amount double)")
    con.execute("insert into raw.small values ('a', 1.5), ('b', 2.5)")
    big_rows = build_state.FULL_HASH_MAX_ROWS + 1
    con.execute(f"create table raw.big as select range as id, range * 0.01 as unblended_cost from range({big_rows})")

    def current(today: str = "2026-12-01") -> str:
        return build_state.fingerprint(settings, con, today=today, project_root=project)

    seen = {current()}
    assert current() in seen, "the same inputs give the same fingerprint"

    def changed(what: str) -> None:
        value = current()
        assert value not in seen, f"the fingerprint did not change when {what}"
        seen.add(value)

    con.execute("update raw.small set amount = 1.25 where id = 'a'")
    changed("a value of a small raw table changed")
    con.execute("update raw.big set unblended_cost = unblended_cost + 0.01 where id = 7")
    changed("a cost of a large raw table changed")
    con.execute("insert into raw.big values (-1, 0)")
    changed("a row arrived in a large raw table")
    reference = project / "seeds" / "instance_size_factors.csv"
    reference.write_text(reference.read_text() + "\n")
    changed("a reference seed changed")
    project_file = project / "dbt_project.yml"
    tolerance = "conservation_tolerance: 0.000001"
    project_file.write_text(project_file.read_text().replace(tolerance, tolerance + "5"))
    changed("a var changed")
    model = project / "models" / "marts" / "cost" / "fct_cash_bridge.sql"
    model.write_text(model.read_text() + "\n")
    changed("a model's SQL changed")
    (company / "budgets.csv").write_text("team,amount\nsearch,200\n")
    changed("a company folder file changed")
    assert current(today="2026-12-02") not in seen, "the fingerprint did not change with the date"
    con.close()


# -- cloudcost build end to end ----------------------------------------------------------------------------
def cli(settings: Settings, *args: str, company: Path | None = None) -> str:
    env = {**os.environ, "CLOUDCOST_TARGET": "duckdb", "CLOUDCOST_DUCKDB_PATH": str(settings.duckdb_path)}
    env["DBT_TARGET_PATH"] = str(settings.duckdb_path.parent / "target")
    env.pop("CLOUDCOST_COMPANY_DIR", None)
    if company is not None:
        env["CLOUDCOST_COMPANY_DIR"] = str(company)
    result = subprocess.run(
        [sys.executable, "-m", "cloudcost.cli", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"cloudcost {' '.join(args)} failed:\n{output}"
    return result.stdout


@pytest.mark.slow
def test_a_build_with_nothing_new_runs_nothing_and_new_data_is_built(tmp_path: Path) -> None:
    settings = replace(load_settings("duckdb"), duckdb_path=tmp_path / "warehouse" / "cloudcost.duckdb")
    cli(settings, "load", "--quiet", str(FIXTURE))
    first = cli(settings, "build")
    assert "nodes built and tested" in first
    again = cli(settings, "build")
    assert "nothing changed since the build of" in again and "dbt build" not in again.replace("cloudcost build:", "")

    unchanged, _, _ = build_state.up_to_date(settings, with_tests=False)
    assert unchanged
    assert not build_state.up_to_date(settings, with_tests=True)[0], "a production build did not run every test"
    company = tmp_path / "company"
    company.mkdir()
    (company / "teams.csv").write_text("team\nsearch\n")
    assert not build_state.up_to_date(replace(settings, company_dir=company), with_tests=False)[0]

    cli(settings, "load", "--quiet", str(SECOND_FIXTURE))
    rebuilt = cli(settings, "build")
    assert "nodes built and tested" in rebuilt
    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    periods = con.execute("select count(distinct billing_period) from marts.fct_cost_daily").fetchone()
    con.close()
    assert periods == (2,), "the newly loaded month reached the marts"

    # a dbt command that writes relations, run in its own process (dbt-duckdb keeps the file open in-process)
    run = "from cloudcost.dbt_runner import run_dbt; assert run_dbt(['run', '--select', 'dim_team']).success"
    env = {**os.environ, "CLOUDCOST_DUCKDB_PATH": str(settings.duckdb_path), "CLOUDCOST_TARGET": "duckdb"}
    env["DBT_TARGET_PATH"] = str(settings.duckdb_path.parent / "target")
    subprocess.run([sys.executable, "-c", run], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    assert not build_state.up_to_date(settings, with_tests=False)[0], "a dbt run outside cloudcost build is a change"
    build_state.record_build(settings, with_tests=False)  # as if that had been a build, then lose a relation
    assert build_state.up_to_date(settings, with_tests=False)[0]
    with duckdb.connect(str(settings.duckdb_path)) as con:
        con.execute("drop table marts.dim_team")
    assert not build_state.up_to_date(settings, with_tests=False)[0], "a relation the build made is missing"
