"""Three payers in one warehouse as `cloudcost generate --payers 3` writes them (A in USD; B with a USD CUR and
EUR invoices carrying their exchange rate; C in INR; the last month not invoiced yet), every model built with
every test on DuckDB and Postgres: no key collides across payers, each payer's money stays its own, amounts of
different currencies are never added, and B's EUR invoices reconcile with the fx item. One linked account of
payer A moves to payer B in the middle of the open month (``--move-account``): the dated account-to-payer
mapping has a row per payer and each payer's money stays its own across the move."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from dashboard_warehouse import APP
from dbt_harness import WAREHOUSE_SCHEMAS, DbtWorkspace, reset_postgres_schemas
from streamlit.testing.v1 import AppTest

from cloudcost.finance.api import load_finance_paths
from cloudcost.generator import Options, demo_company_dir, generate, latest_deliveries, read_generation
from cloudcost.generator.timeline import parse_month
from cloudcost.loader import load_paths
from cloudcost.pg_roles import ensure_reader_role
from cloudcost.publish import DASHBOARD_MARTS, publish_duckdb, publish_postgres
from cloudcost.settings import Settings, load_settings
from streamlit_app.pages_index import PAGES

pytestmark = pytest.mark.slow


@dataclass
class Payers:
    workspace: DbtWorkspace
    open_period: str
    move: dict[str, Any]
    window: dict[str, Any]
    build_output: str


# INR -> USD: one rate for the closed months, another for the open month until RATES_END; the open month's
# last days have no rate (their converted amounts stay empty and a warning names them)
CLOSED_RATE, OPEN_RATE = 0.0120, 0.0119


def rates_end(window: dict[str, Any]) -> str:
    return (date.fromisoformat(window["data_end"]) - timedelta(days=3)).isoformat()


def write_exchange_rates(company: Path, window: dict[str, Any]) -> None:
    open_start = f"{window['open_period']}-01"
    (company / "exchange_rates.csv").write_text(
        "# the treasury's rates into the reporting currency\n"
        "currency,reporting_currency,rate,valid_from,valid_to,source\n"
        f"INR,USD,{CLOSED_RATE},{window['first_period']}-01,{open_start},closed months\n"
        f"INR,USD,{OPEN_RATE},{open_start},{rates_end(window)},open month so far\n"
    )


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
        move_account=True,
    )
    generation = generate(options).generation
    write_exchange_rates(demo_company_dir(options.out), generation["window"])
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
    output = workspace.dbt("build")  # every model and snapshot with the money checks; raises when one fails
    generation = read_generation(generated)
    window = generation["window"]
    yield Payers(workspace, window["open_period"], generation["account_move"], window, output)


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


def test_the_moved_account_has_a_dated_payer_row_per_payer(built: Payers) -> None:
    move = built.move
    rows = built.workspace.query(
        "select payer_account_id, cast(valid_from as varchar), cast(valid_to as varchar) "
        f"from marts.dim_account_payer where account_id = '{move['account_id']}' order by valid_from"
    )
    assert len(rows) == 2
    (first_payer, _, first_to), (second_payer, second_from, second_to) = rows
    assert (first_payer, second_payer) == (move["from_payer_account_id"], move["to_payer_account_id"])
    assert first_to == second_from == move["move_date"] and second_to is None
    current = built.workspace.query(
        f"select payer_account_id from marts.dim_account where account_id = '{move['account_id']}'"
    )
    assert current == [(move["to_payer_account_id"],)]
    # every other account keeps one payer: one open row each
    others = built.workspace.query(
        "select count(*), count(distinct account_id), count(valid_to) from marts.dim_account_payer "
        f"where account_id <> '{move['account_id']}'"
    )
    assert others[0][0] == others[0][1] and others[0][2] == 0


def test_the_moved_account_is_billed_by_each_payer_on_its_own_days(built: Payers) -> None:
    move = built.move
    day = f"cast('{move['move_date']}' as date)"
    rows = built.workspace.query(
        f"select payer_account_id, min(usage_date) >= {day}, max(usage_date) < {day}, sum(unblended_cost) "
        f"from marts.fct_cost_daily where account_id = '{move['account_id']}' "
        f"and billing_period = cast('{built.open_period}-01' as date) and unblended_cost - tax <> 0 group by 1"
    )
    by_payer = {payer: (starts_after, ends_before, float(total)) for payer, starts_after, ends_before, total in rows}
    assert set(by_payer) == {move["from_payer_account_id"], move["to_payer_account_id"]}
    assert by_payer[move["from_payer_account_id"]][1] is True  # A: only before the move
    assert by_payer[move["to_payer_account_id"]][0] is True  # B: only from the move on
    assert by_payer[move["to_payer_account_id"]][2] == pytest.approx(move["moved_unblended_cost"], abs=1e-6)


def test_the_reporting_currency_converts_each_day_with_its_dated_rate(built: Payers) -> None:
    open_start, end = f"{built.open_period}-01", rates_end(built.window)
    rows = built.workspace.query(
        "select currency, reporting_currency, count(*), count(reporting_exchange_rate), sum(amortized_cost), "
        "sum(amortized_cost_in_reporting_currency), "
        f"sum(case when usage_date < cast('{open_start}' as date) then amortized_cost * {CLOSED_RATE} "
        f"when usage_date < cast('{end}' as date) then amortized_cost * {OPEN_RATE} end) "
        "from marts.fct_cost_daily group by 1, 2 order by 1"
    )
    assert [row[:2] for row in rows] == [("INR", "USD"), ("USD", "USD")]
    (_, _, inr_rows, inr_rated, _, inr_converted, inr_expected), usd = rows
    assert usd[2] == usd[3] and float(usd[5]) == pytest.approx(float(usd[4]), abs=1e-6)  # USD: rate 1
    assert 0 < inr_rated < inr_rows  # the days after the last rate stay unconverted
    assert float(inr_converted) == pytest.approx(float(inr_expected), abs=1e-6)
    unrated = built.workspace.query(
        "select min(usage_date), count(amortized_cost_in_reporting_currency) from marts.fct_cost_daily "
        "where currency = 'INR' and reporting_exchange_rate is null"
    )
    assert str(unrated[0][0]) == end and unrated[0][1] == 0


def test_a_day_without_a_rate_is_a_warning_naming_currency_and_days(built: Payers) -> None:
    # the warning test runs in every build (a singular money check) and warns without failing it: one row,
    # the INR days of the open month after the last rate
    warned = re.search(
        r"Got (\d+) results?, configured to warn if != 0[^\n]*\n(?:[^\n]*\n){0,3}?"
        r"[^\n]*compiled code at [^\n]*assert_reporting_currency_rates_cover_costs\.sql",
        built.build_output,
    )
    assert warned is not None and warned.group(1) == "1", built.build_output[-3000:]


# -- the dashboard on the three payers: no figure adds currencies ------------------------------------------


READER = "cloudcost_reader_multi_payer"


@pytest.fixture
def dashboard(built: Payers, monkeypatch: pytest.MonkeyPatch) -> Payers:
    """The build published for the dashboard on its engine: DuckDB's published copy, or Postgres's ``marts``
    secured in place and read as a read-only role (the dashboard never connects as the owner)."""
    settings = built.workspace.settings
    if settings.target == "duckdb":
        published = settings.duckdb_path.parent / "published" / "cloudcost.duckdb"
        if not published.exists():
            publish_duckdb(settings.duckdb_path, published, DASHBOARD_MARTS)
        monkeypatch.setenv("CLOUDCOST_TARGET", "duckdb")
        monkeypatch.setenv("CLOUDCOST_DUCKDB_PATH", str(settings.duckdb_path))
        monkeypatch.setenv("CLOUDCOST_DASHBOARD_DB", str(published))
        return built
    monkeypatch.setenv("CLOUDCOST_READER_USER", READER)
    ensure_reader_role(settings, READER)
    publish_postgres(settings, DASHBOARD_MARTS)
    for name, value in {
        "CLOUDCOST_TARGET": "postgres",
        "PGHOST": settings.pg_host,
        "PGPORT": str(settings.pg_port),
        "PGDATABASE": settings.pg_database,
        "PGUSER": "the-owner-must-not-be-used",
    }.items():
        monkeypatch.setenv(name, value)
    return built


def open_page(title: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    page = next(page for page in PAGES if page.title == title)
    if not page.default:
        at.switch_page(page.path).run()
    assert not at.exception, [exception.value for exception in at.exception]
    return at


def shown(at: AppTest, label: str) -> float:
    (value,) = [metric.value for metric in at.metric if metric.label == label]
    return float(re.sub(r"[^0-9.\-]", "", value))


def test_cost_page_figures_per_currency_equal_the_mart(dashboard: Payers) -> None:
    at = open_page("Cost layers")
    assert at.selectbox(key="sel_currency").options == ["INR", "USD"]
    for currency in ("INR", "USD"):
        for period in [f"{built_period}-01" for built_period in (dashboard.window["first_period"],)]:
            at.selectbox(key="sel_cost_month").set_value(date.fromisoformat(period))
            at.selectbox(key="sel_currency").set_value(currency).run()
            expected = dashboard.workspace.query(
                "select sum(amortized_cost), sum(unblended_cost) from marts.fct_cost_daily "
                f"where currency = '{currency}' and billing_period = cast('{period}' as date)"
            )[0]
            assert shown(at, "Amortized cost") == pytest.approx(float(expected[0]), abs=0.005)
            assert shown(at, "Unblended cost") == pytest.approx(float(expected[1]), abs=0.005)


def test_commitment_and_savings_pages_show_one_currency_at_a_time(dashboard: Payers) -> None:
    at = open_page("Commitments")
    for currency in ("INR", "USD"):
        at.selectbox(key="sel_currency").set_value(currency).run()
        unused = dashboard.workspace.query(
            f"select sum(unused_cost) from marts.fct_commitment_utilization where currency = '{currency}'"
        )[0][0]
        assert shown(at, "Unused commitment cost") == pytest.approx(float(unused or 0), abs=0.005)
    at = open_page("Savings opportunities")
    currencies = [
        row[0]
        for row in dashboard.workspace.query("select distinct currency from marts.fct_savings_opportunities order by 1")
    ]
    for currency in currencies:
        if len(currencies) > 1:
            at.selectbox(key="sel_currency").set_value(currency).run()
        total = dashboard.workspace.query(
            f"select sum(estimated_monthly_savings) from marts.fct_savings_opportunities where currency = '{currency}'"
        )[0][0]
        assert shown(at, "Estimated monthly savings (list)") == pytest.approx(float(total), abs=0.005)


def test_every_page_renders_on_three_payers(dashboard: Payers) -> None:
    """Every page in one session (as a reader clicking through the menu), without an error."""
    at = open_page(PAGES[0].title)
    failed = {}
    for page in PAGES[1:]:
        at.switch_page(page.path).run()
        if at.exception:
            failed[page.title] = [exception.value for exception in at.exception]
    assert not failed, failed
