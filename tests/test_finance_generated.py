"""On generated data, the reconciliation finds every deliberate discrepancy listed in generation.json, with the
right status and explanation, and flags nothing else; the restated closed month fails the close check naming
the period and the delta."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from dbt_harness import DbtWorkspace
from test_finance_harness import build_reconciliation

from cloudcost.finance import load_finance_paths
from cloudcost.finance.close_check import failing_closed_periods
from cloudcost.generator import Options, deliveries, generate, read_generation
from cloudcost.loader import load_paths
from cloudcost.settings import Settings


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated history: five months (the last one open), a restated closed month."""
    out = tmp_path_factory.mktemp("generated")
    generate(Options(out=out, flavour="legacy_csv", rows=3000, months=5, seed=7))
    return out


def discrepancies_by_kind(out: Path) -> dict[str, dict[str, Any]]:
    return {item["kind"]: item for item in read_generation(out)["discrepancies"]}


@pytest.mark.slow
def test_every_deliberate_discrepancy_is_found_and_nothing_else(
    generated: Path,
    duckdb_settings: Settings,
    tmp_path: Path,
    warehouse_query: Callable[[Settings, str], list[tuple[Any, ...]]],
) -> None:
    settings = duckdb_settings
    expected = discrepancies_by_kind(generated)
    assert set(expected) == {
        "credit_memo_next_period",
        "marketplace_invoice_missing_from_ledger",
        "rounding_difference_under_tolerance",
        "restatement_after_close",
    }
    generation = read_generation(generated)
    open_period = generation["window"]["open_period"]
    # what Finance had at the close: the final delivery of each closed month, the open month as delivered
    first_loads = [
        d.path for d in deliveries(generated) if d.kind == "final" or (d.latest and d.billing_period == open_period)
    ]
    load_paths(first_loads, settings, progress=False)
    load_finance_paths([generated / "finance"], settings)
    workspace = DbtWorkspace.create(tmp_path / "dbt", settings)
    try:
        build_reconciliation(workspace)
    except AssertionError as failure:  # the close check fails on the two unaccepted closed months
        assert "assert_closed_periods_are_reconciled" in str(failure)

    flagged = warehouse_query(
        settings,
        "select strftime(billing_period, '%Y-%m'), invoice_id, billing_entity, status, exception_reasons, "
        "ledger_other_periods, explanation from marts.fct_invoice_reconciliation "
        f"where status <> 'matched' and strftime(billing_period, '%Y-%m') <> '{open_period}' order by 1, 2",
    )
    memo = expected["credit_memo_next_period"]
    missing = expected["marketplace_invoice_missing_from_ledger"]
    assert [row[:4] for row in flagged] == sorted(
        [
            (memo["billing_period"], memo["invoice_id"], memo["billing_entity"], "missing_in_ledger"),
            (missing["billing_period"], missing["invoice_id"], missing["billing_entity"], "missing_in_ledger"),
        ]
    )
    for item in (memo, missing):
        assert item.get("expected_status", "missing_in_ledger") == "missing_in_ledger"
    by_invoice = {row[1]: row for row in flagged}
    memo_row = by_invoice[memo["invoice_id"]]
    assert "ledger_in_other_period" in memo_row[4]
    assert memo_row[5] == memo["ledger_period"]
    assert memo_row[6] == (
        f"Invoice {memo['invoice_id']} (AWS) of {memo['amount']:.2f} USD has no general-ledger line in "
        f"{memo['billing_period']}; the ledger posts {memo['amount']:.2f} USD for it in another period "
        f"({memo['ledger_period']})."
    )
    missing_row = by_invoice[missing["invoice_id"]]
    assert missing_row[6] == (
        f"Invoice {missing['invoice_id']} (AWS Marketplace) of {missing['amount']:.2f} USD has no general-ledger "
        "line referencing it."
    )
    # the open month is not invoiced yet: its CUR cost is on no invoice, and that only warns
    open_rows = warehouse_query(
        settings,
        "select distinct status, invoice_id is null from marts.fct_invoice_reconciliation "
        f"where strftime(billing_period, '%Y-%m') = '{open_period}'",
    )
    assert open_rows == [("missing_invoice", True)]
    rounding = expected["rounding_difference_under_tolerance"]
    [(status, difference)] = warehouse_query(
        settings,
        "select status, cur_vs_invoice_difference from marts.fct_invoice_reconciliation "
        f"where invoice_id = '{rounding['invoice_id']}'",
    )
    assert status == rounding["expected_status"] == "matched"
    assert difference == pytest.approx(rounding["difference"], abs=1e-6)
    assert 0 < abs(difference) < 0.01

    # the closed month is re-delivered with a late credit: an exception and a failing close, naming both
    restated = next(d for d in deliveries(generated) if d.kind == "restated")
    restatement = expected["restatement_after_close"]
    load_paths([restated.path], settings, progress=False)
    with pytest.raises(AssertionError, match="assert_closed_periods_are_reconciled"):
        build_reconciliation(workspace)
    [(status, difference)] = warehouse_query(
        settings,
        "select status, cur_vs_invoice_difference from marts.fct_invoice_reconciliation "
        f"where invoice_id = '{restatement['invoice_id']}'",
    )
    assert status == restatement["expected_status"] == "exception"
    assert difference == pytest.approx(restatement["delta_unblended"], abs=0.01)
    messages = failing_closed_periods(settings)
    [restated_message] = [m for m in messages if m.startswith(f"period {restatement['billing_period']} ")]
    assert f"closed on {restatement['closed_on']}" in restated_message
    assert f"unblended cost changed by {restatement['delta_unblended']:.2f} USD" in restated_message
    credit = warehouse_query(
        settings,
        "select contributor_value, contributor_amount from marts.fct_reconciliation_exceptions "
        f"where invoice_id = '{restatement['invoice_id']}' and contributor_basis = 'restatement_delta' "
        "and contributor_type = 'line_item_type' and contributor_value = 'Credit'",
    )
    assert credit == [("Credit", pytest.approx(restatement["late_credit"], abs=1e-6))]
