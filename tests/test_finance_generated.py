"""On generated data, the reconciliation finds every deliberate discrepancy listed in generation.json, with the
right status and explanation, and flags nothing else; the restated closed month fails the close check naming
the period and the delta. With the generated sign-offs loaded too, every closed period passes the close check
while the exceptions stay listed, signed off."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from dbt_harness import DbtWorkspace
from test_finance_harness import build_reconciliation

from cloudcost.finance import load_finance_paths
from cloudcost.finance.close_check import failing_closed_periods
from cloudcost.generator import Options, deliveries, demo_company_dir, generate, latest_deliveries, read_generation
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
    workspace = DbtWorkspace.create(tmp_path / "dbt", settings, company=demo_company_dir(generated))
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


@pytest.mark.slow
def test_generated_sign_offs_accept_the_exceptions_and_keep_them_visible(
    generated: Path,
    duckdb_settings: Settings,
    tmp_path: Path,
    warehouse_query: Callable[[Settings, str], list[tuple[Any, ...]]],
) -> None:
    """The demo's load: the latest deliveries (after the final ones, so the restatement after close is one),
    finance/ and sign_offs/. Every closed period passes the close check (accepted), while each deliberate
    exception is still unmatched, now signed off with its note."""
    settings = duckdb_settings
    generation = read_generation(generated)
    expected = discrepancies_by_kind(generated)
    sign_offs = {item["kind"]: item for item in generation["sign_offs"]}
    assert set(sign_offs) == set(expected) - {"rounding_difference_under_tolerance"}
    # the deliveries in the order they came: each closed month's final one, then the latest of every period
    # (the restated month replaces its final delivery after the close, as a replay loads it)
    finals = [d.path for d in deliveries(generated) if d.kind == "final"]
    load_paths(finals, settings, progress=False)
    load_paths(latest_deliveries(generated), settings, progress=False)
    load_finance_paths([generated / "finance", generated / "sign_offs"], settings)
    build_reconciliation(
        DbtWorkspace.create(tmp_path / "dbt", settings, company=demo_company_dir(generated))
    )  # raises if a closed period fails
    assert failing_closed_periods(settings) == []

    exceptions = warehouse_query(
        settings,
        "select invoice_id, strftime(billing_period, '%Y-%m'), status, is_signed_off, is_accepted, sign_off_note, "
        "has_stale_sign_off from marts.fct_invoice_reconciliation where not is_matched and is_period_closed "
        "order by 1",
    )
    by_invoice = {row[0]: row for row in exceptions}
    assert set(by_invoice) == {item["invoice_id"] for item in sign_offs.values()}
    for kind, item in sign_offs.items():
        _, period, status, signed_off, accepted, note, stale = by_invoice[item["invoice_id"]]
        assert period == expected[kind]["billing_period"] == item["period"]
        assert status == expected[kind]["expected_status"]
        assert (signed_off, accepted, stale) == (True, True, False)
        assert note == item["note"]
    rounding = expected["rounding_difference_under_tolerance"]
    assert warehouse_query(
        settings,
        "select status, is_signed_off from marts.fct_invoice_reconciliation "
        f"where invoice_id = '{rounding['invoice_id']}'",
    ) == [("matched", False)]

    closes = dict(
        warehouse_query(
            settings,
            "select strftime(billing_period, '%Y-%m'), close_status from marts.fct_period_close_status where is_closed",
        )
    )
    exception_periods = {item["period"] for item in sign_offs.values()}
    assert {period for period, status in closes.items() if status == "accepted"} == exception_periods
    assert set(closes.values()) == {"accepted", "reconciled"}
    restatement = expected["restatement_after_close"]
    [(restated, delivery_signed_off, delivery_id)] = warehouse_query(
        settings,
        "select is_restated_after_close, is_delivery_signed_off, delivery_id from marts.fct_period_close_status "
        f"where strftime(billing_period, '%Y-%m') = '{restatement['billing_period']}'",
    )
    assert restated and delivery_signed_off
    assert delivery_id == sign_offs["restatement_after_close"]["delivery_id"]
