"""Cost anomalies on a generated history with injected anomalies (DuckDB, and the same keys on Postgres).

The generator injects two anomalies of each kind (runaway, spike, new usage type, creep) and lists them in
anomaly_labels.json with the billing calendar's ordinary events. Every injected anomaly must be found on time
(tests/anomaly_eval.py says what "found" means), no anomaly may start on a calendar event, and false alarms
stay under 1 per 30 days per 100 monitored series. The register and the key history then decide what
`cloudcost anomalies --fail-on-new` reports.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from anomaly_eval import evaluate, read_anomalies
from click.testing import CliRunner, Result
from dbt_harness import WAREHOUSE_SCHEMAS, DbtWorkspace, reset_postgres_schemas

from cloudcost.cli import main
from cloudcost.company.spec import STARTER_DIR
from cloudcost.generator import Options, demo_company_dir, generate, latest_deliveries
from cloudcost.loader import load_paths
from cloudcost.settings import Settings, load_settings

pytestmark = pytest.mark.slow

MODELS = ("+fct_cost_anomalies", "+fct_cost_one_off_charges")
NO_TESTS = ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
ANOMALY_TESTS = ("path:models/intermediate/anomalies", "path:models/marts/anomalies", "anomaly_register")
REGISTER = "anomaly_register.csv"  # in the company folder


@dataclass
class Generated:
    root: Path
    workspace: DbtWorkspace
    labels: dict
    first_cli: Result


def run_cli(settings: Settings, *args: str) -> Result:
    env = {"CLOUDCOST_TARGET": "duckdb", "CLOUDCOST_DUCKDB_PATH": str(settings.duckdb_path)}
    return CliRunner().invoke(main, ["anomalies", *args], env=env)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    """Six generated months with injected anomalies, loaded into DuckDB; the anomaly marts built once."""
    root = tmp_path_factory.mktemp("anomalies-generated")
    generate(Options(out=root / "cur", rows=20_000, seed=5, restate=True, month_to_date=False, inject_anomalies=True))
    settings = replace(load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb")
    load_paths(latest_deliveries(root / "cur"), settings, progress=False)
    workspace = DbtWorkspace.create(
        root / "project", settings, copied=["seeds"], company=demo_company_dir(root / "cur")
    )
    workspace.dbt("build", "--select", *MODELS, *NO_TESTS)
    workspace.dbt("test", "--select", *ANOMALY_TESTS)
    labels = json.loads((root / "cur" / "anomaly_labels.json").read_text())
    first_cli = run_cli(settings, "--all", "--fail-on-new", "--format", "json")
    yield Generated(root, workspace, labels, first_cli)


def test_every_injected_anomaly_is_found_on_time(generated: Generated) -> None:
    anomalies, series_days = read_anomalies(generated.workspace.query)
    result = evaluate(generated.labels, anomalies, series_days)
    assert result.injected == 8
    assert result.missed == [], result.missed


def test_no_alarm_on_calendar_events_and_few_false_alarms(generated: Generated) -> None:
    anomalies, series_days = read_anomalies(generated.workspace.query)
    result = evaluate(generated.labels, anomalies, series_days)
    assert result.calendar_false_alarms == []
    assert result.false_alarms_per_30_days_per_100_series <= 1.0, result.false_alarms


def test_one_off_charges_hold_every_tax_and_credit_line(generated: Generated) -> None:
    """Tax and credits never reach the detector; the one-off list holds all of them (vs the raw CUR)."""
    workspace = generated.workspace
    for kind, line_type in (("tax", "Tax"), ("credit", "Credit")):
        listed = workspace.scalar(
            f"select sum(billed_cost) from marts.fct_cost_one_off_charges where charge_kind = '{kind}'"
        )
        raw = workspace.scalar(
            "select sum(cast(line_item_unblended_cost as decimal(38, 10))) from raw.raw_cur_line_items "
            f"where line_item_line_item_type = '{line_type}'"
        )
        assert raw != 0
        assert float(listed) == pytest.approx(float(raw), abs=1e-6)
    usage_types = workspace.scalar(
        "select count(*) from intermediate.int_anomalies__usage_lines "
        "where service_code in ('AWSSupportBusiness', 'AWSSupportEnterprise')"
    )
    assert usage_types == 0


def test_register_and_key_history_decide_what_is_new(generated: Generated) -> None:
    workspace = generated.workspace
    first = generated.first_cli
    assert first.exit_code == 1, first.output  # the first build found everything for the first time
    shown = json.loads(first.output)
    assert shown["new"] == shown["open"] > 0
    planned_key = shown["anomalies"][0]["anomaly_key"]
    register_file = workspace.company / REGISTER
    if not register_file.exists():  # the demo company keeps the starter's empty register
        shutil.copy(STARTER_DIR / REGISTER, register_file)
    with register_file.open("a", newline="") as register:
        csv.writer(register, lineterminator="\n").writerow(
            [planned_key, "planned_activity", "migration", "platform", "2026-10-19"]
        )
    workspace.place_company()
    workspace.dbt("build", "--select", "anomaly_register", "int_anomalies__key_history", "fct_cost_anomalies")
    status, is_open = workspace.query(
        f"select status, is_open from marts.fct_cost_anomalies where anomaly_key = '{planned_key}'"
    )[0]
    assert (status, is_open) == ("planned_activity", False)  # still listed, no longer open
    assert workspace.scalar("select count(*) from marts.fct_cost_anomalies where is_new_in_this_build") == 0
    second = run_cli(workspace.settings, "--all", "--fail-on-new", "--format", "json")
    assert second.exit_code == 0, second.output
    again = json.loads(second.output)
    assert again["new"] == 0 and again["open"] == shown["open"] - 1
    assert planned_key not in {a["anomaly_key"] for a in again["anomalies"]}
    text = run_cli(workspace.settings, "--all")
    assert text.exit_code == 0 and "open anomalies (0 new)" in text.output


@pytest.mark.postgres
def test_postgres_finds_the_same_anomalies(generated: Generated, postgres_database: Callable[[str], Settings]) -> None:
    settings = postgres_database("cloudcost_anomalies_test")
    reset_postgres_schemas(settings, WAREHOUSE_SCHEMAS)
    load_paths(latest_deliveries(generated.root / "cur"), settings, progress=False)
    workspace = DbtWorkspace.create(generated.root / "project-postgres", settings, company=generated.workspace.company)
    workspace.dbt("build", "--select", *MODELS, *NO_TESTS)
    workspace.dbt("test", "--select", *ANOMALY_TESTS)
    query = "select anomaly_key, round(cast(impact as numeric), 2), top_drivers from marts.fct_cost_anomalies"
    on_postgres = {(k, float(i), d) for k, i, d in workspace.query(query)}
    on_duckdb = {(k, float(i), d) for k, i, d in generated.workspace.query(query)}
    assert on_postgres and on_postgres == on_duckdb
