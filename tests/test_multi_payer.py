"""Three payers in one warehouse (A and B in USD, C in INR; the last month not invoiced yet), every model built
with every test on DuckDB and Postgres: no key collides across payers, each payer's money stays its own and
amounts of different currencies are never added."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from dbt_harness import WAREHOUSE_SCHEMAS, DbtWorkspace, reset_postgres_schemas
from multi_payer import write_payers

from cloudcost.generator import Options, demo_company_dir, generate, read_generation
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
    )
    generate(options)
    return options.out, write_payers(options.out, root / "payers")


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
