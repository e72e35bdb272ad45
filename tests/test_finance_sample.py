"""The real October 2018 CUR sample reconciles against an invoice of 4,064.48 and its ledger line, on DuckDB
and Postgres (hand-written invoice, ledger and close files: tests/fixtures/finance/sample_2018_10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dbt_harness import SAMPLES_COMPANY, DbtWorkspace
from test_finance_harness import FINANCE_FIXTURES, build_reconciliation, scratch_warehouse

from cloudcost.finance import load_finance_paths
from cloudcost.loader import load_paths

SAMPLE = "legacy-parquet-2018-10.snappy.parquet"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_october_2018_sample_reconciles_as_matched(
    engine: str, request: pytest.FixtureRequest, cur_samples_dir: Path, tmp_path: Path
) -> None:
    settings = scratch_warehouse(request, engine, "cloudcost_test_finance_sample")
    load_paths([cur_samples_dir / SAMPLE], settings, progress=False)
    load_finance_paths([FINANCE_FIXTURES / "sample_2018_10"], settings)
    workspace = DbtWorkspace.create(tmp_path / "dbt", settings, company=SAMPLES_COMPANY)
    build_reconciliation(workspace)

    [row] = workspace.query(
        "select billing_period, payer_account_id, invoice_id, billing_entity, currency, status, "
        "cur_billed_cost, invoice_total, ledger_posted, cur_vs_invoice_difference, tolerance, "
        "is_period_closed, explanation from marts.fct_invoice_reconciliation"
    )
    (period, payer, invoice, entity, currency, status, cur, total, ledger, difference, tolerance, closed, why) = row
    assert (str(period), payer, invoice, entity, currency) == ("2018-10-01", "836060457634", "156090591", "AWS", "USD")
    assert status == "matched" and why is None
    assert cur == pytest.approx(4064.483132, abs=1e-6)  # the sample's own Σ line_item_unblended_cost
    assert (total, ledger, tolerance) == (4064.48, 4064.48, 0.01)
    assert difference == pytest.approx(0.003132, abs=1e-6)
    assert closed is True
    assert workspace.query("select close_status, delivery_count from marts.fct_period_close_status") == [
        ("reconciled", 1)
    ]
    assert workspace.query("select count(*) from marts.fct_reconciliation_exceptions") == [(0,)]
