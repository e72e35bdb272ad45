"""Commitments on generated data (DuckDB): the purchase recommender back-test and the savings opportunities.

The generator's ``ri_floor`` scenario runs a constant floor of K normalized units of one family on demand for a
month, then buys reservations for exactly that floor at the start of the next month. Fed that month, the
recommender must recommend about K units, and its predicted monthly savings must match what the purchased
reservations saved the next month within 5 % (analyses/commitment_recommender_backtest.sql). The same build
must show every opportunity type with a plausible dollar value, ranked by savings; marking the purchase done in
the register must then measure realized savings from actuals.
"""

from __future__ import annotations

import calendar
import csv
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest
from dbt_harness import DbtWorkspace

from cloudcost.generator import Options, demo_company_dir, generate, latest_deliveries
from cloudcost.generator.timeline import parse_month
from cloudcost.loader import load_paths
from cloudcost.settings import load_settings

pytestmark = pytest.mark.slow

OPPORTUNITY_TYPES = {
    "ri_purchase",
    "sp_purchase",
    "unused_commitment",
    "previous_generation",
    "gp2_to_gp3",
    "idle_nat_gateway",
}
SELECTION = ("+path:models/marts/commitments", "+fct_normalized_usage")
REGISTER = "savings_opportunity_register.csv"


@dataclass
class Generated:
    workspace: DbtWorkspace
    floor: dict[str, Any]
    floor_month_end: date
    floor_vars: str
    purchase_key: str


def month_end(month: str) -> date:
    first = date.fromisoformat(f"{month}-01")
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def floor_vars(last_day: date) -> str:
    """dbt vars that feed the recommender the floor month, with the purchase's own term and payment option."""
    return json.dumps(
        {
            "commitment_as_of_date": last_day.isoformat(),
            "commitment_lookback_days": last_day.day,
            "commitment_percentile": 0,
            "commitment_ri_term_years": 1,
            "commitment_ri_payment_option": "Partial Upfront",
            "commitment_ri_offering_class": "standard",
        }
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    """Four generated months (daily lines) loaded into DuckDB and the commitment marts built as of the floor month."""
    root = tmp_path_factory.mktemp("dbt-commitments-generated")
    result = generate(
        Options(
            out=root / "cur",
            flavour="cur2_parquet",
            rows=20_000,
            months=4,
            start=parse_month("2026-05"),
            seed=7,
            restate=False,
            month_to_date=False,
            granularity="daily",
        )
    )
    floor = result.generation["scenarios"]["ri_floor"]
    settings = replace(load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb")
    load_paths(latest_deliveries(root / "cur"), settings, progress=False)
    company = root / "company"  # a copy of the demo company folder, with one decision added to its register
    shutil.copytree(demo_company_dir(root / "cur"), company)
    payer = result.generation["payer_account_id"]
    group = f"AmazonEC2|{floor['region']}|{floor['instance_family']}|*|Linux|Shared|*"
    purchase_key = f"ri_purchase|{payer}|AmazonEC2|*|{floor['region']}|{group}"
    purchase_day = month_end(floor["floor_period"]) + timedelta(days=1)
    with (company / REGISTER).open("a", newline="") as register:
        csv.writer(register, lineterminator="\n").writerow(
            [purchase_key, "search-team", "done", purchase_day.isoformat(), "bought"]
        )
    workspace = DbtWorkspace.create(root / "project", settings, company=company)
    last_day = month_end(floor["floor_period"])
    variables = floor_vars(last_day)
    workspace.dbt("build", "--select", *SELECTION, "--indirect-selection", "cautious", "--vars", variables)
    yield Generated(workspace, floor, last_day, variables, purchase_key)


def test_recommender_fed_the_floor_month_buys_the_floor(generated: Generated) -> None:
    floor = generated.floor
    rows = generated.workspace.query(
        "select recommended_units, recommended_instance_type, expected_utilization, rate_source, time_granularity "
        "from marts.fct_commitment_recommendations "
        f"where commitment_type = 'reserved_instance' and instance_family = '{floor['instance_family']}' "
        f"and region = '{floor['region']}'"
    )
    assert len(rows) == 1, rows
    units, instance_type, utilization, rate_source, granularity = rows[0]
    assert float(units) == pytest.approx(floor["floor_normalized_units"], rel=0.05)
    assert instance_type == floor["instance_type"]
    assert float(utilization) == pytest.approx(1.0, abs=0.01)
    assert rate_source in {"observed_family", "observed_service", "fallback_seed"}
    assert granularity == "daily"


def test_predicted_savings_match_the_month_after_the_purchase(generated: Generated) -> None:
    """analyses/commitment_recommender_backtest.sql: predicted vs realized within 5 %."""
    workspace = generated.workspace
    workspace.dbt("compile", "--select", "commitment_recommender_backtest", "--vars", generated.floor_vars)
    compiled = next((workspace.root / "target" / "compiled").rglob("commitment_recommender_backtest.sql"))
    rows = workspace.query(compiled.read_text())
    by_group = {row[0]: row for row in rows}
    group = f"AmazonEC2|{generated.floor['region']}|{generated.floor['instance_family']}|*|Linux|Shared|*"
    assert group in by_group, rows
    columns = (
        "commitment_group", "as_of_date", "time_granularity", "recommended_units", "recommended_instance_type",
        "recommended_instances", "purchased_units_per_hour", "first_purchase_at", "effective_rate_ratio",
        "rate_source", "predicted_monthly_savings", "realized_savings", "reserved_units",
        "realized_monthly_savings", "savings_error",
    )  # fmt: skip
    backtest = dict(zip(columns, by_group[group], strict=True))
    assert float(backtest["purchased_units_per_hour"]) == pytest.approx(generated.floor["reserved_normalized_units"])
    assert float(backtest["predicted_monthly_savings"]) > 0
    assert float(backtest["realized_monthly_savings"]) == pytest.approx(
        float(backtest["predicted_monthly_savings"]), rel=0.05
    )
    assert abs(float(backtest["savings_error"])) < 0.05


def test_every_opportunity_type_appears_ranked_by_savings(generated: Generated) -> None:
    rows = generated.workspace.query(
        "select savings_rank, opportunity_type, estimated_monthly_savings, estimated_monthly_savings_net, "
        "basis_monthly_cost from marts.fct_savings_opportunities where is_detected order by savings_rank"
    )
    assert {row[1] for row in rows} == OPPORTUNITY_TYPES
    savings = [float(row[2]) for row in rows]
    assert savings == sorted(savings, reverse=True)
    for _, kind, estimated, net, basis in rows:
        # a plausible monthly figure: positive, at most what the thing costs (or, for a purchase, what
        # it covers), and the net figure no larger than the public one
        assert 0 < float(estimated) < 100_000, kind
        assert float(net) <= float(estimated) + 1e-9, kind
        if kind != "ri_purchase" and kind != "sp_purchase":
            assert float(estimated) <= float(basis) + 1e-9, kind


def test_done_purchase_shows_realized_savings_from_actuals(generated: Generated) -> None:
    """With the as-of date back to the end of the data, the register's done purchase is measured: the c6i
    unit-hour got cheaper by about what the recommender predicted."""
    workspace = generated.workspace
    predicted = float(
        workspace.scalar(
            "select expected_monthly_savings from marts.fct_commitment_recommendations "
            f"where commitment_type = 'reserved_instance' and instance_family = '{generated.floor['instance_family']}'"
        )
    )
    workspace.dbt("run", "--select", "int_commitment_as_of+,+fct_savings_opportunities")
    rows = workspace.query(
        "select owner, status, is_detected, baseline_monthly_cost, realized_monthly_savings "
        f"from marts.fct_savings_opportunities where opportunity_key = '{generated.purchase_key}'"
    )
    assert len(rows) == 1, rows
    owner, status, detected, baseline, realized = rows[0]
    assert (owner, status) == ("search-team", "done")
    assert detected is False  # bought: no longer an opportunity, but kept because the register names it
    assert float(baseline) > 0
    assert float(realized) == pytest.approx(predicted, rel=0.05)
