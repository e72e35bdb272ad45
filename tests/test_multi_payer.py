"""Three payers in one warehouse as `cloudcost generate --payers 3` writes them (A in USD; B with a USD CUR and
EUR invoices carrying their exchange rate; C in INR; the last month not invoiced yet), every model built with
every test on DuckDB and Postgres: no key collides across payers, each payer's money stays its own, amounts of
different currencies are never added, and B's EUR invoices reconcile with the fx item."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from dbt_harness import WAREHOUSE_SCHEMAS, DbtWorkspace, reset_postgres_schemas

from cloudcost.finance.api import load_finance_paths
from cloudcost.generator import Options, demo_company_dir, generate, latest_deliveries, read_generation
from cloudcost.generator.timeline import parse_month
from cloudcost.loader import load_paths
from cloudcost.settings import Settings, load_settings

pytestmark = pytest.mark.slow


@dataclass
class Payers:
    workspace: DbtWorkspace
    open_period: str


@pytest.fixture(scope="session")
def payer_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[Path]]]:
    """The generation and the CUR files of each payer (A: its latest deliveries)."""
    root = tmp_path_factory.mktemp("multi-payer-data")
    options = Options(
        out=root / "generated",
        flavour="cur2_parquet",
        rows=3000,
        months=3,
        start=parse_month("2026-05"),
        seed=11,
        restate=False,
        month_to_date=False,
        granularity="daily",
        payers=3,
    )
    generation = generate(options).generation
    files = {label: [options.out / path for path in paths] for label, paths in generation["payers"].items()}
    files["A"] = latest_deliveries(options.out)
    return options.out, files


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def built(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    payer_files: tuple[Path, dict[str, list[Path]]],
) -> Iterator[Payers]:
    generated, files = payer_files
    root = tmp_path_factory.mktemp(f"multi-payer-{request.param}")
    if request.param == "duckdb":
        settings: Settings = replace(load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb")
    else:
        make_database: Callable[[str], Settings] = request.getfixturevalue("postgres_database")
        settings = make_database("cloudcost_pytest_multi_payer")
        reset_postgres_schemas(settings, WAREHOUSE_SCHEMAS)
    for paths in files.values():
        load_paths(paths, settings, progress=False)
    load_finance_paths([generated / "finance", generated / "sign_offs"], settings)
    workspace = DbtWorkspace.create(root / "project", settings, company=demo_company_dir(generated))
    workspace.dbt("build")  # every model, snapshot and test; raises when one fails
    open_period = read_generation(generated)["window"]["open_period"]
    yield Payers(workspace, open_period)


def test_each_payer_and_currency_keeps_its_raw_total(built: Payers) -> None:
    raw = built.workspace.query(
        "select bill_payer_account_id, line_item_currency_code, sum(line_item_unblended_cost) "
        "from raw.raw_cur_line_items group by 1, 2"
    )
    daily = {
        (payer, currency): float(total)
        for payer, currency, total in built.workspace.query(
            "select payer_account_id, currency, sum(unblended_cost) from marts.fct_cost_daily group by 1, 2"
        )
    }
    assert len(raw) == 3 and {currency for _, currency, _ in raw} == {"USD", "INR"}
    assert set(daily) == {(payer, currency) for payer, currency, _ in raw}
    for payer, currency, total in raw:
        assert daily[(payer, currency)] == pytest.approx(float(total), abs=1e-6), (payer, currency)


def test_the_uninvoiced_month_has_one_reconciliation_row_per_payer(built: Payers) -> None:
    rows = built.workspace.query(
        "select payer_account_id, currency, count(*) from marts.fct_invoice_reconciliation "
        f"where billing_period = cast('{built.open_period}-01' as date) and invoice_id is null "
        "and not is_ledger_only group by 1, 2"
    )
    assert len(rows) == 3
    assert {currency for _, currency, _ in rows} == {"USD", "INR"}


def test_commitments_are_never_shared_across_payers(built: Payers) -> None:
    shared = built.workspace.query(
        "select commitment_id from marts.dim_commitment group by commitment_id "
        "having count(distinct payer_account_id) > 1"
    )
    assert shared == []
    per_payer = built.workspace.query(
        "select payer_account_id, count(*) from marts.dim_commitment group by 1 order by 2"
    )
    assert len(per_payer) == 3 and len({count for _, count in per_payer}) == 1


def test_cash_bridge_is_per_payer_and_currency(built: Payers) -> None:
    rows = built.workspace.query(
        "select billing_period, payer_account_id, count(distinct currency), count(*) from marts.fct_cash_bridge "
        "group by 1, 2"
    )
    assert len(rows) == 9
    assert all(currencies == 1 and count == 1 for _, _, currencies, count in rows)


def test_the_eur_invoices_reconcile_with_their_fx_item(built: Payers) -> None:
    rows = built.workspace.query(
        "select status, cur_currency, invoice_exchange_rate, cur_billed_cost, fx_difference, "
        "cur_vs_invoice_difference, invoice_vs_ledger_difference, "
        "cur_billed_cost * invoice_exchange_rate - cur_billed_cost_in_currency "
        "from marts.fct_invoice_reconciliation where currency = 'EUR'"
    )
    assert len(rows) >= 2  # the invoices of payer B's closed months
    for status, cur_currency, rate, cur_cost, fx, cur_vs_invoice, invoice_vs_ledger, conversion_gap in rows:
        assert (status, cur_currency) == ("matched", "USD")
        assert rate > 0 and abs(conversion_gap) < 1e-9
        # the ledger books at its own rate (0.0113 above the invoice's): a named item, not a difference
        assert fx == pytest.approx(cur_cost * 0.0113, abs=0.01)
        assert abs(invoice_vs_ledger) <= 0.01 and abs(cur_vs_invoice) <= 0.01
    assert max(abs(row[4]) for row in rows) > 1


def test_the_inr_payer_reconciles_in_inr(built: Payers) -> None:
    rows = built.workspace.query(
        "select distinct status, cur_currency, fx_difference from marts.fct_invoice_reconciliation "
        "where currency = 'INR' and has_invoice"
    )
    assert rows == [("matched", "INR", 0)]
