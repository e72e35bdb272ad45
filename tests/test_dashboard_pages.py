"""The month-end pages (Overview, Breakdown, Showback, Budgets, Anomalies, Mappings) in Streamlit's AppTest: every
figure they show equals the published marts for the same filters, on DuckDB and on Postgres."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
import pytest
from dashboard_warehouse import APP, shared_warehouse
from streamlit.testing.v1 import AppTest

from cloudcost.mappings.check import mapping_report
from cloudcost.settings import Settings, load_settings
from streamlit_app import months
from streamlit_app.pages_index import PAGES, page_path

Query = Callable[[str, list[Any]], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Engine:
    name: str
    query: Query  # SQL with ? placeholders on the published marts, as their owner
    settings: Settings  # the warehouse itself (what `cloudcost mappings check` reads)


def _duckdb(warehouse: Any) -> Engine:
    def query(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        con = duckdb.connect(str(warehouse.published), read_only=True)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    settings = replace(load_settings("duckdb"), duckdb_path=warehouse.source)
    return Engine("duckdb", query, settings)


def _postgres(settings: Settings) -> Engine:
    def query(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        con = psycopg2.connect(settings.pg_dsn)
        try:
            with con.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), params)
                return cur.fetchall()
        finally:
            con.close()

    return Engine("postgres", query, settings)


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, dict]:
    if request.param == "duckdb":
        warehouse = shared_warehouse(tmp_path_factory.mktemp("dashboard_pages"))
        return _duckdb(warehouse), warehouse.env()
    env = request.getfixturevalue("postgres_demo")
    server = request.getfixturevalue("postgres_server")
    return _postgres(replace(server, pg_database=env["PGDATABASE"])), env


@pytest.fixture
def engine(engine_env: tuple[Engine, dict], monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    found, env = engine_env
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield found


def open_page(url_path: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    page = page_path(url_path)
    if page != next(p.path for p in PAGES if p.default):
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def amount(text: str) -> float:
    """'$1,234.56' / '-$10.07' -> float."""
    return float(re.sub(r"[^0-9.\-]", "", text.replace("−", "-")))


def metrics(at: AppTest) -> dict[str, Any]:
    return {metric.label: metric for metric in at.metric}


def one(engine: Engine, sql: str, *params: Any) -> Any:
    return engine.query(sql, list(params))[0][0]


def as_float(value: Any) -> float:
    return float(value or 0.0)


CLOSED_MONTH = (
    "select max(billing_period) from marts.fct_invoice_reconciliation "
    "where currency = 'USD' and invoice_total is not null"
)


# -- overview -------------------------------------------------------------------------------------------


def test_overview_is_the_default_page_with_the_closed_month_from_the_invoices(engine: Engine) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Overview"
    closed = one(engine, CLOSED_MONTH)
    previous = months.shift(closed, -1)
    shown = metrics(at)
    billed = one(
        engine,
        "select sum(invoice_total) from marts.fct_invoice_reconciliation where currency = 'USD' and billing_period = ?",
        closed,
    )
    assert amount(shown["Billed cost (invoices)"].value) == pytest.approx(as_float(billed), abs=0.005)
    for label, column in (("Amortized cost", "amortized_cost"), ("Public on-demand cost", "public_on_demand_cost")):
        this, before = (
            as_float(
                one(
                    engine,
                    f"select sum({column}) from marts.fct_cost_daily where currency = 'USD' and billing_period = ?",
                    month,
                )
            )
            for month in (closed, previous)
        )
        assert amount(shown[label].value) == pytest.approx(this, abs=0.005)
        total_change = (this - before) / abs(before)
        per_day_change = (this / months.days_in_month(closed)) / (before / months.days_in_month(previous)) - 1
        delta = shown[label].delta
        assert f"{total_change * 100:+.1f}%" in delta.replace(" ", "") and f"{previous:%Y-%m}" in delta
        assert f"perday{per_day_change * 100:+.1f}%" in delta.replace(" ", "")


def test_overview_marks_the_open_month_partial_with_its_projection(engine: Engine) -> None:
    at = open_page("overview")
    open_month, through = engine.query(
        "select max(billing_period), max(usage_date) from marts.fct_cost_daily where currency = 'USD'", []
    )[0]
    to_date = as_float(
        one(
            engine,
            "select sum(amortized_cost) from marts.fct_cost_daily where currency = 'USD' and billing_period = ?",
            open_month,
        )
    )
    projected = to_date / ((through - open_month).days + 1) * months.days_in_month(open_month)
    (notice,) = [w.value for w in at.warning if "is open (partial)" in w.value]
    assert f"{open_month:%Y-%m} is open" in notice and f"through {through:%Y-%m-%d}" in notice
    figures = [amount(part) for part in re.findall(r"\$[0-9,.]+", notice)]
    assert figures == pytest.approx([to_date, projected], abs=0.005)


def test_overview_movers_leave_one_off_charges_apart(engine: Engine) -> None:
    at = open_page("overview")
    closed = one(engine, CLOSED_MONTH)
    movers = next(frame.value for frame in at.dataframe if "team" in frame.value.columns)
    top = movers.iloc[0]
    recurring = as_float(
        one(
            engine,
            "select sum(amortized_cost - credit - refund - tax - fee) from marts.fct_cost_daily "
            "where currency = 'USD' and billing_period = ? and team = ?",
            closed,
            top["team"],
        )
    )
    assert float(top["this_month_cost"]) == pytest.approx(recurring, abs=0.005)
    changes = movers["change_cost"].abs().tolist()
    assert changes == sorted(changes, reverse=True)


def test_overview_budget_and_anomaly_glances_equal_the_marts(engine: Engine) -> None:
    shown = metrics(open_page("overview"))
    over, total = engine.query(
        "select sum(case when projected_over then 1 else 0 end), count(*) from marts.fct_budget_status "
        "where currency = 'USD' and is_open_period and is_budgeted",
        [],
    )[0]
    assert shown["Budgets projected over"].value == f"{int(over or 0)} of {int(total)}"
    count, impact = engine.query(
        "select count(*), sum(impact) from marts.fct_cost_anomalies where currency = 'USD' and is_open", []
    )[0]
    assert shown["Open anomalies"].value == str(count)
    assert amount(shown["Open anomalies"].delta) == pytest.approx(as_float(impact), abs=0.005)


# -- breakdown ------------------------------------------------------------------------------------------


def test_breakdown_by_team_equals_the_mart_and_drills_down_to_the_same_dollars(engine: Engine) -> None:
    at = open_page("breakdown")
    last = one(engine, "select max(billing_period) from marts.fct_cost_daily where currency = 'USD'")
    expected = dict(
        engine.query(
            "select team, sum(amortized_cost) from marts.fct_cost_daily where currency = 'USD' and billing_period = ? "
            "group by team",
            [last],
        )
    )
    table, usage, resources = (frame.value for frame in at.dataframe[:3])
    shown = dict(zip(table["team"], table["this_month_cost"], strict=True))
    assert shown == pytest.approx({team: as_float(cost) for team, cost in expected.items()}, abs=0.005)
    team = at.selectbox(key="sel_breakdown_slice_team").value
    month = at.selectbox(key="sel_breakdown_month").value
    assert month == f"{last:%Y-%m}"
    assert float(usage["cost"].sum()) == pytest.approx(as_float(expected[team]), abs=0.005)
    assert len(resources) <= 50 and list(resources["cost"]) == sorted(resources["cost"], reverse=True)


def test_breakdown_follows_the_dimension_and_the_account_filter(engine: Engine) -> None:
    at = open_page("breakdown")
    account = one(engine, "select min(account_id) from marts.fct_cost_daily")
    (widget,) = [w for w in at.sidebar.multiselect if w.label == "Account"]
    widget.set_value([account]).run()
    at.selectbox(key="sel_breakdown_dimension").set_value("service_code").run()
    assert not at.exception, [e.value for e in at.exception]
    last = one(engine, "select max(billing_period) from marts.fct_cost_daily where currency = 'USD'")
    expected = dict(
        engine.query(
            "select service_code, sum(amortized_cost) from marts.fct_cost_daily "
            "where currency = 'USD' and billing_period = ? and account_id = ? group by service_code",
            [last, account],
        )
    )
    table = at.dataframe[0].value
    shown = dict(zip(table["service_code"], table["this_month_cost"], strict=True))
    assert shown == pytest.approx({k: as_float(v) for k, v in expected.items()}, abs=0.005)


def test_breakdown_by_a_tag_key_holds_every_dollar_of_the_month(engine: Engine) -> None:
    at = open_page("breakdown")
    options = at.selectbox(key="sel_breakdown_dimension").options
    assert any(option.startswith("Tag ") for option in options)
    assert any(option.startswith("Cost category ") for option in options)
    at.selectbox(key="sel_breakdown_dimension").set_value("tag:user_team").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    last = one(engine, "select max(billing_period) from marts.fct_cost_daily where currency = 'USD'")
    total = one(
        engine,
        "select sum(amortized_cost) from marts.fct_cost_daily where currency = 'USD' and billing_period = ?",
        last,
    )
    assert float(table["this_month_cost"].sum()) == pytest.approx(as_float(total), abs=0.01)


# -- showback, budgets, anomalies ----------------------------------------------------------------------


def test_showback_allocates_every_dollar_of_the_month(engine: Engine) -> None:
    at = open_page("showback")
    assert any("Spread rule" in info.value for info in at.info)
    month = date.fromisoformat(at.selectbox(key="sel_showback_month").value[:10])
    allocated, direct = engine.query(
        "select sum(allocated_amount), sum(direct_amount) from marts.fct_cost_showback "
        "where currency = 'USD' and billing_period = ?",
        [month],
    )[0]
    shown = metrics(at)
    assert amount(shown["Amortized cost (allocated)"].value) == pytest.approx(as_float(allocated), abs=0.005)
    assert as_float(allocated) == pytest.approx(as_float(direct), abs=0.01)
    table = at.dataframe[0].value
    assert float(table["allocated_amount"].sum()) == pytest.approx(as_float(allocated), abs=0.005)


def test_budgets_default_to_every_open_period(engine: Engine) -> None:
    shown = metrics(open_page("budgets"))
    budget, actual, projected, over, count = engine.query(
        "select sum(budget_amount), sum(actual_cost_to_date), sum(projected_cost), "
        "sum(case when projected_over then 1 else 0 end), count(*) from marts.fct_budget_status "
        "where currency = 'USD' and is_open_period and is_budgeted",
        [],
    )[0]
    assert amount(shown["Budgeted"].value) == pytest.approx(as_float(budget), abs=0.005)
    assert amount(shown["Actual to date"].value) == pytest.approx(as_float(actual), abs=0.005)
    assert amount(shown["Projected"].value) == pytest.approx(as_float(projected), abs=0.005)
    assert shown["Projected over budget"].value == f"{int(over or 0)} of {count}"


def test_anomalies_show_the_open_ones_by_impact(engine: Engine) -> None:
    at = open_page("anomalies")
    count, impact = engine.query(
        "select count(*), sum(impact) from marts.fct_cost_anomalies where currency = 'USD' and is_open", []
    )[0]
    shown = metrics(at)
    assert shown["Open"].value == str(count) == shown["Anomalies shown"].value
    assert amount(shown["Open impact"].value) == pytest.approx(as_float(impact), abs=0.005)
    impacts = list(at.dataframe[0].value["impact"])
    assert impacts == sorted(impacts, reverse=True)


# -- mappings -------------------------------------------------------------------------------------------


def test_mappings_page_equals_cloudcost_mappings_check(engine: Engine) -> None:
    at = open_page("mappings")
    expected = mapping_report(engine.settings, None, ())
    assert at.selectbox(key="sel_mapping_period").value[:7] == expected.period
    table = at.dataframe[0].value
    shown = {(row.dimension, row.currency): row for row in table.itertuples()}
    assert len(shown) == len(expected.shares)
    for share in expected.shares:
        row = shown[(share.dimension, share.currency)]
        assert row.unallocated_cost == pytest.approx(share.unallocated, abs=0.005)
        assert row.amortized_cost == pytest.approx(share.total, abs=0.005)
        assert row.no_rule_share == pytest.approx(share.unclaimed_share * 100, abs=1e-7)  # shown in %


def test_page_index_has_the_month_end_pages() -> None:
    paths = {page.url_path for page in PAGES}
    assert {"overview", "breakdown", "showback", "budgets", "anomalies", "mappings"} <= paths
    assert [page.url_path for page in PAGES if page.default] == ["overview"]
    assert all(Path(APP.parent / page.path).exists() for page in PAGES)
