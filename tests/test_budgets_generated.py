"""Budgets on a small generated company (DuckDB): every team has a budget, actual to date per budget equals an
independent query on fct_cost_daily (direct scope) or fct_cost_showback (showback scope) for the budget's basis
and charges, and the open month's projection adds the tax and support not posted yet; Postgres gives the same
figures."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pytest
from dbt_harness import WAREHOUSE_SCHEMAS, DbtWorkspace, reset_postgres_schemas

from cloudcost.generator import Options, demo_company_dir, generate, latest_deliveries
from cloudcost.loader import load_paths
from cloudcost.settings import Settings, load_settings

pytestmark = pytest.mark.slow

SUPPORT = ("AWSSupportBusiness", "AWSSupportEnterprise", "AWSDeveloperSupport", "AWSSupportEnterpriseOnRamp")
SUPPORT_SQL = ", ".join(f"'{code}'" for code in SUPPORT)
TOLERANCE = Decimal("0.000001")
# the budgets and the marts the independent queries read (marts are leaves: fct_budget_status does not read them)
BUDGET_AND_COMPARED_MARTS = ("+fct_budget_status", "+fct_cost_daily", "+fct_cost_showback")
BUDGET_COLUMNS = (
    "budget_period_key, budget_id, team, service_code, account_id, period_start, period_end, cost_data_through, "
    "currency, cost_basis, scope, include_credits, include_tax, include_support, include_upfront_fees, "
    "actual_cost_to_date, is_open_period, unposted_tax_cost, unposted_support_cost, projected_cost, "
    "projected_usage_cost_remaining, projected_over"
)


@dataclass
class Built:
    root: Path
    workspace: DbtWorkspace
    company: Path
    budgets: list[dict]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("budgets-generated")
    generate(Options(out=root / "cur", rows=20_000))
    settings = replace(load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb")
    load_paths(latest_deliveries(root / "cur"), settings, progress=False)
    company = demo_company_dir(root / "cur")
    workspace = DbtWorkspace.create(root / "project", settings, company=company)
    workspace.dbt("build", "--select", *BUDGET_AND_COMPARED_MARTS, "--exclude-resource-type", "test")
    workspace.dbt("test", "--select", "path:models/intermediate/budgets", "path:models/marts/budgets", "budgets")
    names = [name.strip() for name in BUDGET_COLUMNS.split(",")]
    rows = workspace.query(f"select {BUDGET_COLUMNS} from marts.fct_budget_status")
    return Built(root, workspace, company, [dict(zip(names, row, strict=True)) for row in rows])


def company_teams(company: Path) -> set[str]:
    lines = [line for line in (company / "teams.csv").read_text().splitlines() if not line.startswith("#")]
    return {row["team"] for row in csv.DictReader(lines)}


def test_every_team_has_a_budget_and_some_are_projected_over(built: Built) -> None:
    open_rows = [row for row in built.budgets if row["is_open_period"]]
    budgeted = {row["team"] for row in open_rows if row["budget_id"] != "unbudgeted"}
    assert company_teams(built.company) <= budgeted
    assert not [row for row in built.budgets if row["budget_id"] == "unbudgeted"]
    over = {row["budget_id"] for row in open_rows if row["projected_over"]}
    assert over and over != {row["budget_id"] for row in open_rows}


def direct_actual(workspace: DbtWorkspace, budget: dict) -> Decimal:
    """The budget's actual to date, straight from fct_cost_daily."""
    assert budget["cost_basis"] != "unblended" or budget["include_upfront_fees"], "upfront fees are not in the mart"
    basis = {"amortized": "amortized_cost", "unblended": "unblended_cost"}.get(budget["cost_basis"])
    usage = f"{basis} - credit - tax" if basis else "public_on_demand_cost"
    charges = []
    if budget["include_credits"]:
        charges.append("credit")
    if budget["include_tax"]:
        charges.append("tax")
    if budget["include_support"]:
        charges.append(f"case when service_code in ({SUPPORT_SQL}) then amortized_cost - credit - tax else 0 end")
    counted = " + ".join([f"case when service_code in ({SUPPORT_SQL}) then 0 else {usage} end", *charges])
    filters = ""
    if budget["service_code"]:
        filters += f" and service_code = '{budget['service_code']}'"
    if budget["account_id"]:
        filters += f" and account_id = '{budget['account_id']}'"
    value = workspace.scalar(
        f"""select coalesce(sum(cast({counted} as decimal(38, 10))), 0) from marts.fct_cost_daily
        where team = '{budget["team"]}' and currency = '{budget["currency"]}'
          and billing_period >= '{budget["period_start"]}' and billing_period < '{budget["period_end"]}'
          and usage_date <= '{budget["cost_data_through"]}' {filters}"""
    )
    return Decimal(str(value))


def showback_actual(workspace: DbtWorkspace, budget: dict) -> Decimal:
    """The budget's actual to date, straight from fct_cost_showback."""
    left_out = [layer for layer, flag in (("credit", "include_credits"), ("tax", "include_tax")) if not budget[flag]]
    layers = f" and layer not in ({', '.join(repr(layer) for layer in left_out)})" if left_out else ""
    value = workspace.scalar(
        f"""select coalesce(sum(allocated_amount), 0) from marts.fct_cost_showback
        where team = '{budget["team"]}' and currency = '{budget["currency"]}'
          and billing_period >= '{budget["period_start"]}' and billing_period < '{budget["period_end"]}'{layers}"""
    )
    return Decimal(str(value))


def test_actual_to_date_equals_an_independent_query(built: Built) -> None:
    scopes = set()
    for budget in built.budgets:
        scopes.add((budget["scope"], budget["cost_basis"]))
        expected = (showback_actual if budget["scope"] == "showback" else direct_actual)(built.workspace, budget)
        actual = Decimal(str(budget["actual_cost_to_date"]))
        assert abs(actual - expected) <= TOLERANCE, (budget["budget_id"], budget["period_start"], actual, expected)
    assert {("direct", "amortized"), ("direct", "unblended"), ("direct", "public_on_demand")} < scopes
    assert ("showback", "amortized") in scopes


def test_projection_adds_unposted_tax_and_support(built: Built) -> None:
    open_month = built.workspace.scalar("select open_month from intermediate.int_forecasts__as_of")
    checked = 0
    for budget in [row for row in built.budgets if row["is_open_period"] and row["scope"] == "direct"]:
        month_sums = {}
        for name, expression in (
            ("tax", "tax"),
            ("support", f"case when service_code in ({SUPPORT_SQL}) then amortized_cost - credit - tax else 0 end"),
        ):
            previous, posted = built.workspace.query(
                f"""select
                    coalesce(sum(case when billing_period < '{open_month}' then {expression} end), 0),
                    coalesce(sum(case when billing_period = '{open_month}' then {expression} end), 0)
                from marts.fct_cost_daily
                where team = '{budget["team"]}' and currency = '{budget["currency"]}'
                  and billing_period >= cast('{open_month}' as date) - interval '1 month'
                  {f"and service_code = '{budget['service_code']}'" if budget["service_code"] else ""}"""
            )[0]
            month_sums[name] = max(Decimal(0), Decimal(str(previous)) - Decimal(str(posted)))
        expected_tax = month_sums["tax"] if budget["include_tax"] else Decimal(0)
        expected_support = month_sums["support"] if budget["include_support"] else Decimal(0)
        assert abs(Decimal(str(budget["unposted_tax_cost"])) - expected_tax) <= TOLERANCE, budget["budget_id"]
        assert abs(Decimal(str(budget["unposted_support_cost"])) - expected_support) <= TOLERANCE, budget["budget_id"]
        if expected_tax > 0 and expected_support > 0:
            checked += 1
            projected = Decimal(str(budget["projected_cost"]))
            parts = (
                Decimal(str(budget["actual_cost_to_date"]))
                + Decimal(str(budget["projected_usage_cost_remaining"]))
                + expected_tax
                + expected_support
            )
            assert abs(projected - parts) <= TOLERANCE
    assert checked >= 1, "no budget of the demo company has unposted tax and support to project"


def test_projected_usage_comes_from_the_month_end_projection(built: Built) -> None:
    """Over every direct amortized budget of the whole team, the usage still to come is at most the month-end
    projection's remainder, and positive (the open month is not over)."""
    remaining = built.workspace.scalar(
        """select sum(projected_usage_cost_remaining) from marts.fct_budget_status
        where is_open_period and scope = 'direct' and cost_basis = 'amortized' and service_code is null"""
    )
    projection = built.workspace.scalar("select sum(net_cost) from intermediate.int_forecasts__month_end_projection")
    to_date = built.workspace.scalar(
        """select sum(daily.amortized_cost) from intermediate.int_forecasts__daily_cost as daily
        cross join intermediate.int_forecasts__as_of as as_of
        where daily.billing_period = as_of.open_month and daily.usage_date <= as_of.cost_data_through"""
    )
    assert 0 < remaining <= projection - to_date


@pytest.mark.postgres
def test_postgres_gives_the_same_budget_status(built: Built, postgres_database: Callable[[str], Settings]) -> None:
    settings = postgres_database("cloudcost_budgets_test")
    reset_postgres_schemas(settings, WAREHOUSE_SCHEMAS)
    load_paths(latest_deliveries(built.root / "cur"), settings, progress=False)
    workspace = DbtWorkspace.create(built.root / "project-postgres", settings, company=built.company)
    workspace.dbt("build", "--select", *BUDGET_AND_COMPARED_MARTS, "--exclude-resource-type", "test")
    workspace.dbt("test", "--select", "path:models/intermediate/budgets", "path:models/marts/budgets", "budgets")
    query = (
        "select budget_id || ' ' || team || ' ' || currency || ' ' || cast(period_start as varchar),"
        " actual_cost_to_date, projected_cost, projected_over from marts.fct_budget_status"
    )
    on_postgres = {key: (Decimal(str(a)), Decimal(str(p)), over) for key, a, p, over in workspace.query(query)}
    on_duckdb = {key: (Decimal(str(a)), Decimal(str(p)), over) for key, a, p, over in built.workspace.query(query)}
    assert on_postgres and on_postgres.keys() == on_duckdb.keys()
    for key, (actual, projected, over) in on_duckdb.items():
        other = on_postgres[key]
        assert abs(other[0] - actual) <= TOLERANCE and abs(other[1] - projected) <= TOLERANCE, (key, other)
        assert other[2] == over, key
