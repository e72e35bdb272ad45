"""Incremental builds on generated data with every line item type, on DuckDB and Postgres.

The history is built once as it stood before a closed month was restated; then the restated delivery (and a
newer month-to-date delivery) are loaded and a mapping seed changes, and dbt runs incrementally. The test
checks that the restatement and the mapping change both arrived (the mapping change in an old month that was
not reloaded), that every dbt data test holds, and that a full refresh gives exactly the same tables.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from dbt_harness import WAREHOUSE_SCHEMAS, DbtWorkspace, reset_postgres_schemas

from cloudcost.generator import (
    Delivery,
    Options,
    deliveries,
    deliveries_as_of,
    demo_company_dir,
    generate,
    latest_deliveries,
)
from cloudcost.generator.timeline import parse_month
from cloudcost.loader import load_paths
from cloudcost.settings import Settings, load_settings

pytestmark = pytest.mark.slow

INCREMENTAL_TABLES = (
    "intermediate.int_cost_lines",
    "intermediate.int_cost_daily",
    "intermediate.int_allocation_keys",
    "intermediate.int_normalized_usage",
    "marts.fct_cost_layers",
)
REBUILT_TABLES = (
    "intermediate.int_allocation_mapping",
    "marts.fct_cost_daily",
    "marts.fct_cash_bridge",
    "marts.fct_normalized_usage",
    "marts.fct_cost_showback",
    "marts.fct_mapping_changes",
)


@dataclass(frozen=True)
class GeneratedHistory:
    out: Path
    restated_period: str  # YYYY-MM-01
    untouched_period: str  # a closed month whose delivery does not change after the first build
    unmapped_account: str  # an account with no default team in the project's seed
    first_period: str
    rule_change_date: str  # the second billing period: a functional-group rule changes from then on


@pytest.fixture(scope="session")
def generated_history(tmp_path_factory: pytest.TempPathFactory) -> GeneratedHistory:
    out = tmp_path_factory.mktemp("generated-cur")
    generate(
        Options(
            out=out,
            flavour="legacy_parquet",
            rows=4000,
            months=3,
            start=parse_month("2025-01"),
            seed=42,
            restate=True,
            month_to_date=True,
            granularity="daily",
        )
    )
    restated = [d for d in deliveries(out) if d.kind == "restated"]
    assert len(restated) == 1, "the generator should restate exactly one closed month"
    accounts = (demo_company_dir(out) / "map_account_teams.csv").read_text()
    candidates = [row[0] for row in load_generation_accounts(out) if row[1] is None and row[0] not in accounts]
    assert candidates, "the generated company should have an account without a default team"
    before_restatement = {d.billing_period: d.delivery_id for d in history_before_restatement(out)}
    latest = {d.billing_period: d.delivery_id for d in deliveries(out) if d.latest}
    untouched = sorted(period for period, delivery in before_restatement.items() if latest[period] == delivery)
    assert untouched, "some month should keep its delivery after the restatement"
    periods = sorted(latest)
    return GeneratedHistory(
        out=out,
        restated_period=f"{restated[0].billing_period}-01",
        untouched_period=f"{untouched[0]}-01",
        unmapped_account=candidates[0],
        first_period=f"{periods[0]}-01",
        rule_change_date=f"{periods[1]}-01",
    )


def history_before_restatement(out: Path) -> list[Delivery]:
    """The deliveries the CUR held the day before the restatement was delivered."""
    restated = next(d for d in deliveries(out) if d.kind == "restated")
    return deliveries_as_of(out, restated.delivered_on - timedelta(days=1))


def supersede_platform_rule(path: Path, change_date: str) -> None:
    """End the rule that puts the platform team in the platform group, and count it as engineering
    productivity from change_date on (a re-org, recorded as a new row, not an edit)."""
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    rule = next(row for row in rows if row["rule_id"] == "team_platform")
    successor = dict(rule, valid_from=change_date, functional_group="engineering_productivity")
    successor["description"] = "Platform counted as engineering productivity after a re-org"
    rule["valid_to"] = change_date
    rows.insert(rows.index(rule) + 1, successor)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue())


def load_generation_accounts(out: Path) -> list[tuple[str, str | None]]:
    from cloudcost.generator import read_generation

    company = read_generation(out)["company"]
    return [(account["account_id"], account["default_team"]) for account in company["accounts"]]


def table_contents(workspace: DbtWorkspace, table: str) -> list[tuple[Any, ...]]:
    """Every row, floats rounded to 6 decimals, sorted: comparable across builds."""
    rows = workspace.query(f"select * from {table}")

    def normalized(value: Any) -> Any:
        return round(value, 6) + 0.0 if isinstance(value, float) else value

    return sorted((tuple(normalized(value) for value in row) for row in rows), key=repr)


@dataclass
class IncrementalRun:
    workspace: DbtWorkspace
    history: GeneratedHistory
    before: dict[str, Any]
    after_incremental: dict[str, list[tuple[Any, ...]]]
    after_full_refresh: dict[str, list[tuple[Any, ...]]]


def team_of_account(workspace: DbtWorkspace, table: str, period: str, account: str) -> set[str]:
    rows = workspace.query(
        f"select distinct team from {table} "
        f"where billing_period = cast('{period}' as date) and account_id = '{account}'"
    )
    return {row[0] for row in rows}


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def incremental_run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, generated_history: GeneratedHistory
) -> Iterator[IncrementalRun]:
    root = tmp_path_factory.mktemp(f"dbt-incremental-{request.param}")
    if request.param == "duckdb":
        settings: Settings = replace(load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb")
    else:
        make_database: Callable[[str], Settings] = request.getfixturevalue("postgres_database")
        settings = make_database("cloudcost_pytest_dbt_incremental")
        reset_postgres_schemas(settings, WAREHOUSE_SCHEMAS)
    history = generated_history
    company = root / "company"  # a copy of the demo company folder, edited below
    shutil.copytree(demo_company_dir(history.out), company)
    workspace = DbtWorkspace.create(root / "project", settings, company=company)

    # 1. the history as it stood the day before the restatement, built from scratch
    load_paths([d.path for d in history_before_restatement(history.out)], settings, progress=False)
    workspace.dbt_cost_models("build", "--resource-type", "seed", "--resource-type", "model")
    restated_period = history.restated_period
    before = {
        "restated_billed": workspace.scalar(
            f"select billed_cost from marts.fct_cash_bridge where billing_period = cast('{restated_period}' as date)"
        ),
        "teams": team_of_account(
            workspace, "marts.fct_cost_layers", history.untouched_period, history.unmapped_account
        ),
    }

    # 2. the restatement and newer deliveries arrive, and the account gets a default team in the mapping seed
    load_paths(latest_deliveries(history.out), settings, progress=False)
    seed = company / "map_account_teams.csv"
    seed.write_text(
        seed.read_text() + f"{history.unmapped_account},platform,2015-01-01,,account given to Platform in a test\n"
    )
    supersede_platform_rule(company / "map_functional_group_rules.csv", history.rule_change_date)
    workspace.place_company()
    workspace.dbt_cost_models("build")
    after_incremental = {table: table_contents(workspace, table) for table in INCREMENTAL_TABLES + REBUILT_TABLES}

    # 3. the same from scratch
    workspace.dbt_cost_models("run", "--full-refresh")
    after_full_refresh = {table: table_contents(workspace, table) for table in INCREMENTAL_TABLES + REBUILT_TABLES}
    yield IncrementalRun(workspace, history, before, after_incremental, after_full_refresh)


def test_restated_month_is_rebuilt(incremental_run: IncrementalRun) -> None:
    workspace = incremental_run.workspace
    period = incremental_run.history.restated_period
    billed = workspace.scalar(
        f"select billed_cost from marts.fct_cash_bridge where billing_period = cast('{period}' as date)"
    )
    raw = workspace.scalar(
        "select sum(line_item_unblended_cost) from raw.raw_cur_line_items "
        f"where cast(bill_billing_period_start_date as date) = cast('{period}' as date)"
    )
    assert float(billed) == pytest.approx(float(raw), abs=1e-6)
    assert float(billed) != pytest.approx(float(incremental_run.before["restated_billed"]), abs=0.005)


def test_mapping_change_reaches_an_old_month_that_was_not_reloaded(incremental_run: IncrementalRun) -> None:
    workspace = incremental_run.workspace
    history = incremental_run.history
    assert history.untouched_period != history.restated_period
    assert incremental_run.before["teams"] == {"unallocated"}
    for table in ("marts.fct_cost_layers", "marts.fct_cost_daily"):
        assert team_of_account(workspace, table, history.untouched_period, history.unmapped_account) == {"platform"}


def test_mapping_change_report_shows_the_cost_a_re_org_would_move(incremental_run: IncrementalRun) -> None:
    workspace = incremental_run.workspace
    first = incremental_run.history.first_period
    moves = workspace.query(
        "select billing_period, from_value, to_value, amortized_cost_moved from marts.fct_mapping_changes "
        "where dimension = 'functional_group'"
    )
    assert {(str(row[0])[:10], row[1], row[2]) for row in moves} == {(first, "platform", "engineering_productivity")}
    platform_before_the_change = workspace.scalar(
        "select sum(amortized_cost) from marts.fct_cost_daily "
        f"where billing_period = cast('{first}' as date) and functional_group = 'platform'"
    )
    assert float(moves[0][3]) == pytest.approx(float(platform_before_the_change), abs=1e-6)
    later_platform_rows = workspace.scalar(
        "select count(*) from marts.fct_cost_daily "
        f"where billing_period > cast('{first}' as date) and functional_group = 'platform'"
    )
    assert later_platform_rows == 0


def test_incremental_run_equals_full_refresh(incremental_run: IncrementalRun) -> None:
    for table in INCREMENTAL_TABLES + REBUILT_TABLES:
        incremental = incremental_run.after_incremental[table]
        full = incremental_run.after_full_refresh[table]
        assert incremental, f"{table} is empty"
        assert len(incremental) == len(full), table
        assert incremental == full, f"{table} differs between the incremental run and a full refresh"


def test_generated_data_has_the_line_item_types_of_a_real_company(incremental_run: IncrementalRun) -> None:
    from cloudcost.schema import KNOWN_LINE_ITEM_TYPES

    found = {
        row[0]
        for row in incremental_run.workspace.query("select distinct line_item_type from intermediate.int_cost_lines")
    }
    expected = {
        "Usage",
        "DiscountedUsage",
        "RIFee",
        "Fee",
        "SavingsPlanCoveredUsage",
        "SavingsPlanNegation",
        "SavingsPlanRecurringFee",
        "SavingsPlanUpfrontFee",
        "EdpDiscount",
        "PrivateRateDiscount",
        "Credit",
        "Refund",
        "Tax",
    }
    assert expected <= found <= KNOWN_LINE_ITEM_TYPES
