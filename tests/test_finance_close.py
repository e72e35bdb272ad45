"""Closing a month: a restated delivery of a closed month makes the closed-period test fail, `cloudcost build`
names the period and the delta (after building everything else), and a sign-off of the new delivery accepts
it. Hand-written fixture: tests/fixtures/finance/restatement (see its README)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from dbt_harness import PROJECT_ROOT
from publish_harness import build_command, build_env
from test_finance_harness import FINANCE_FIXTURES, scratch_warehouse

from cloudcost.finance import load_finance_paths
from cloudcost.finance.close_check import failing_closed_periods
from cloudcost.loader import load_paths
from cloudcost.settings import Settings

SCENARIO = FINANCE_FIXTURES / "restatement"
PAYER = "999988887777"


def cloudcost_build(settings: Settings, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`cloudcost build` of the reconciliation marts, as a user runs it (dbt target and logs under tmp_path,
    the same for every build of a test so dbt parses the project once)."""
    return subprocess.run(
        build_command(),
        cwd=PROJECT_ROOT,
        env=build_env(settings, tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_restated_closed_month_fails_until_signed_off(
    engine: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    warehouse_query: Callable[[Settings, str], list[tuple[Any, ...]]],
) -> None:
    raw_query = warehouse_query
    settings = scratch_warehouse(request, engine, "cloudcost_test_finance_close")
    load_paths([SCENARIO / "original"], settings, progress=False)
    load_finance_paths([SCENARIO / "finance"], settings)

    # 1. both closed months reconcile
    first = cloudcost_build(settings, tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    statuses = raw_query(
        settings, "select invoice_id, status from marts.fct_invoice_reconciliation order by invoice_id"
    )
    assert statuses == [
        ("INV-2402-A", "matched"),
        ("INV-2402-M", "matched"),
        ("INV-2403-A", "matched"),
        ("INV-2403-M", "matched"),
    ]
    assert raw_query(
        settings, "select cast(billing_period as varchar), close_status from marts.fct_period_close_status order by 1"
    ) == [("2024-02-01", "reconciled"), ("2024-03-01", "reconciled")]

    # 2. February is re-delivered with a late credit after it was closed: the build fails naming it
    load_paths([SCENARIO / "restated"], settings, progress=False)
    built = cloudcost_build(settings, tmp_path)
    output = built.stdout + built.stderr
    assert built.returncode != 0, output
    assert "assert_closed_periods_are_reconciled" in output
    assert f"closed period not reconciled: period 2024-02 (payer {PAYER}, closed on 2024-03-06)" in output
    assert "unblended cost changed by -25.00 USD against the previous delivery" in output
    assert "invoice INV-2402-A (AWS) exception: CUR - invoice = -25.00" in output
    assert "period 2024-03" not in output
    [message] = failing_closed_periods(settings)
    assert message.startswith(f"period 2024-02 (payer {PAYER}")
    # the failing build is not published; on Postgres it stays in the private build schema
    built = "marts__build" if engine == "postgres" else "marts"
    if engine == "postgres":
        assert raw_query(settings, "select count(*) from marts.fct_cur_restatements where is_changed") == [(0,)]

    # ... and everything else was built in that same failing run: the restatement and its explanation
    restated = raw_query(
        settings,
        "select account_id, service_code, line_item_type, unblended_cost_delta, is_after_close "
        f"from {built}.fct_cur_restatements where is_changed",
    )
    assert restated == [("011100000001", "AmazonEC2", "Credit", -25.0, True)]
    contributors = raw_query(
        settings,
        "select contributor_type, contributor_value, contributor_amount "
        f"from {built}.fct_reconciliation_exceptions "
        "where invoice_id = 'INV-2402-A' and contributor_basis = 'restatement_delta' order by 1",
    )
    assert contributors == [
        ("account", "011100000001", -25.0),
        ("line_item_type", "Credit", -25.0),
        ("service", "AmazonEC2", -25.0),
    ]

    # 3. Finance signs off the new delivery: the period is accepted and the build passes again
    [(delivery_id,)] = raw_query(
        settings, f"select delivery_id from {built}.fct_period_close_status where billing_period = '2024-02-01'"
    )
    sign_offs = tmp_path / "sign_offs.csv"
    sign_offs.write_text(
        "period,delivery_id,signed_off_by,signed_off_on,note\n"
        f"2024-02,{delivery_id},controller@example.com,2024-04-10,late EC2 credit; AWS credit memo follows\n"
    )
    load_finance_paths([sign_offs], settings)
    last = cloudcost_build(settings, tmp_path)
    assert last.returncode == 0, last.stdout + last.stderr
    assert raw_query(
        settings, "select cast(billing_period as varchar), close_status from marts.fct_period_close_status order by 1"
    ) == [("2024-02-01", "accepted"), ("2024-03-01", "reconciled")]
    assert failing_closed_periods(settings) == []
