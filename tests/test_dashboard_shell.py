"""The dashboard's shell and the month-end fixes of the six pages, in AppTest on DuckDB and Postgres:
links carry filters, shared filters, titles name the filters, one place for formats and labels, and each
page's figures equal its marts for the same filters."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from dashboard_warehouse import APP, shared_warehouse
from streamlit.testing.v1 import AppTest

from cloudcost import docs_glossary
from streamlit_app import formats, glossary
from streamlit_app.pages_index import PAGES, default_page


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The demo's warehouse on each engine, as the dashboard's environment (Postgres: the read-only role)."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_demo")
    return shared_warehouse(tmp_path_factory.mktemp("dashboard")).env()


@pytest.fixture
def env(backend: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    for name, value in backend.items():
        monkeypatch.setenv(name, value)
    yield backend


def query(env: dict[str, str], sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    """The marts as the dashboard reads them (``?`` placeholders), on the same engine."""
    if env["CLOUDCOST_TARGET"] == "postgres":
        import psycopg2

        con = psycopg2.connect(
            host=env["PGHOST"], port=env["PGPORT"], dbname=env["PGDATABASE"], user=env["CLOUDCOST_READER_USER"]
        )
        try:
            with con.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), params or [])
                return cur.fetchall()
        finally:
            con.close()
    import duckdb

    con = duckdb.connect(env["CLOUDCOST_DASHBOARD_DB"], read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def has_rows(env: dict[str, str], mart: str) -> bool:
    found = query(
        env, "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = ?", [mart]
    )
    return bool(found[0][0]) and bool(query(env, f"select count(*) from marts.{mart}")[0][0])


def page_of(url_path: str):  # noqa: ANN201
    return next(page for page in PAGES if page.url_path == url_path)


def open_page(url_path: str, params: dict[str, str] | None = None, state: dict[str, object] | None = None) -> AppTest:
    """A new session opened on a page, as a link with ``params`` in its query string would."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    page = page_of(url_path)
    if page.url_path != default_page().url_path:
        at.switch_page(page.path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sidebar_filter(at: AppTest, label: str):  # noqa: ANN201
    (found,) = [widget for widget in at.sidebar.multiselect if widget.label == label]
    return found


def metrics(at: AppTest) -> dict[str, object]:
    return {metric.label: metric for metric in at.metric}


def amount(text: str) -> float:
    return float(text.replace("$", "").replace(",", "").replace("%", ""))


# -- the shell ------------------------------------------------------------------------------------------


def test_a_link_with_a_filter_opens_the_page_filtered_and_keeps_it_in_the_url(env: dict[str, str]) -> None:
    if not has_rows(env, "fct_invoice_reconciliation"):
        pytest.skip("no reconciliation in this demo")
    at = open_page("reconciliation", {"status": "matched"})
    assert sidebar_filter(at, "Status").value == ["matched"]
    matched = query(env, "select count(*) from marts.fct_invoice_reconciliation where status = 'matched'")[0][0]
    assert len(at.dataframe[0].value) == matched
    assert at.query_params.get("status") == "matched"


def test_page_choices_are_written_to_the_url_and_read_back(env: dict[str, str]) -> None:
    months = sorted(row[0] for row in query(env, "select distinct billing_period from marts.fct_cost_daily"))
    month = months[0]
    at = open_page("cost-layers")
    at.selectbox(key="sel_cost_month").set_value(month).run()
    assert at.query_params.get("cost_month") == month.isoformat()
    again = open_page("cost-layers", {"cost_month": month.isoformat()})
    assert again.selectbox(key="sel_cost_month").value == month


def test_shared_filters_apply_on_every_page_that_has_the_dimension(env: dict[str, str]) -> None:
    account = query(env, "select min(account_id) from marts.fct_cost_daily")[0][0]
    for page in PAGES:
        if not page.marts:
            continue
        columns = {
            row[0]
            for row in query(
                env,
                "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ?",
                [page.marts[0]],
            )
        }
        at = open_page(page.url_path, {"account_id": account})
        labels = [widget.label for widget in at.sidebar.multiselect]
        assert ("Account" in labels) == ("account_id" in columns), f"{page.title}: {labels}"
        if "account_id" in columns:
            assert sidebar_filter(at, "Account").value == [account]


def test_a_filter_keeps_its_value_between_pages_on_the_same_mart(env: dict[str, str]) -> None:
    """Breakdown and Cost layers draw the same widgets (both read fct_cost_daily): a choice made on one is on
    the other, and a change made there is on the first when it is shown again."""
    teams = [row[0] for row in query(env, "select distinct team from marts.fct_cost_daily order by 1")][:2]
    at = open_page("breakdown")
    sidebar_filter(at, "Team").set_value(teams[:1]).run()
    at.switch_page(page_of("cost-layers").path).run()
    assert sidebar_filter(at, "Team").value == teams[:1]
    sidebar_filter(at, "Team").set_value(teams).run()
    at.switch_page(page_of("breakdown").path).run()
    assert not at.exception, [e.value for e in at.exception]
    assert sidebar_filter(at, "Team").value == teams
    assert at.query_params.get("team") == teams


def test_titles_name_the_active_filters(env: dict[str, str]) -> None:
    account = query(env, "select min(account_id) from marts.fct_cost_daily")[0][0]
    at = open_page("cost-layers", {"account_id": account})
    titles = [header.value for header in at.subheader]
    assert titles and all(f"Account: {account}" in title for title in titles if "Cash bridge" not in title)


def test_no_deploy_button_or_developer_menu() -> None:
    """`streamlit run` from the project root reads .streamlit/config.toml (the browser test checks the page)."""
    import tomllib

    from cloudcost.settings import PROJECT_ROOT

    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["toolbarMode"] == "minimal"


def test_the_dashboard_listens_on_localhost_unless_told_otherwise() -> None:
    from cloudcost.commands.dashboard import dashboard, streamlit_command

    (address,) = [param for param in dashboard.params if param.name == "address"]
    assert address.default == "127.0.0.1"
    command = streamlit_command(8501, True, "127.0.0.1")
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--client.toolbarMode") + 1] == "minimal"


# -- the pages' fixes -----------------------------------------------------------------------------------


def test_cost_layers_marks_the_open_month_partial(env: dict[str, str]) -> None:
    through = query(env, "select max(usage_date) from marts.fct_cost_daily")[0][0]
    if (date(through.year + through.month // 12, through.month % 12 + 1, 1) - through).days == 1:
        pytest.skip("the data ends on a month's last day: no open month")
    at = open_page("cost-layers")
    at.selectbox(key="sel_cost_month").set_value(through.replace(day=1)).run()
    assert any("open month" in warning.value and through.isoformat() in warning.value for warning in at.warning)
    table = at.dataframe[0].value
    statuses = dict(zip(table["month"], table["month_status"], strict=True))
    assert statuses[through.replace(day=1)] == "Partial"
    assert set(statuses.values()) == {"Partial", "Complete"} or len(statuses) == 1


def test_commitments_headline_is_commitment_coverage_with_its_period_and_target(env: dict[str, str]) -> None:
    if not has_rows(env, "fct_commitment_coverage"):
        pytest.skip("no commitment coverage in this demo")
    at = open_page("commitments")
    assert at.selectbox(key="sel_coverage_measure").value == "commitment_coverage"
    first, last, covered = query(
        env,
        "select min(usage_date), max(usage_date), sum(ri_covered_list_cost + sp_covered_list_cost) "
        "/ nullif(sum(ri_covered_list_cost + sp_covered_list_cost + on_demand_list_cost), 0) "
        "from marts.fct_commitment_coverage",
    )[0]
    assert any(f"{first:%Y-%m-%d} to {last:%Y-%m-%d}" in header.value for header in at.subheader)
    headline = metrics(at)["Commitment coverage (cost)"]
    assert amount(headline.value) / 100 == pytest.approx(float(covered), abs=0.0005)
    target = query(
        env,
        "select max(commitment_coverage_target) from marts.fct_commitment_coverage where usage_date = ?",
        [last],
    )[0][0]
    if target is not None:
        assert f"vs target {formats.percent(target)}" in str(headline.delta)


def test_reconciliation_is_in_dollars_with_sign_off_and_the_open_month_is_not_missing(env: dict[str, str]) -> None:
    if not has_rows(env, "fct_invoice_reconciliation"):
        pytest.skip("no reconciliation in this demo")
    at = open_page("reconciliation")
    shown = metrics(at)
    invoiced = query(
        env,
        "select sum(invoice_total) from marts.fct_invoice_reconciliation where coalesce(currency, 'USD') = 'USD'",
    )[0][0]
    assert amount(shown["Invoiced"].value) == pytest.approx(float(invoiced or 0), abs=0.005)
    periods, signed = query(
        env,
        "select count(*), sum(case when s then 1 else 0 end) from (select billing_period, "
        "bool_or(coalesce(is_signed_off, false)) as s from marts.fct_invoice_reconciliation "
        "where coalesce(currency, 'USD') = 'USD' group by billing_period) p",
    )[0]
    assert shown["Periods signed off"].value == f"{int(signed or 0)} of {periods}"
    through = query(env, "select max(usage_date) from marts.fct_cost_daily")[0][0]
    table = at.dataframe[0].value
    open_rows = table[table["billing_period"] == through.replace(day=1)]
    assert "Missing invoice" not in set(open_rows["status"]) or through.day == 31


def test_forecast_page_shows_every_vintage_and_the_actuals_by_default(env: dict[str, str]) -> None:
    if not has_rows(env, "fct_forecast_vintages"):
        pytest.skip("no forecast vintages in this demo")
    at = open_page("forecast-accuracy")
    host_type = at.selectbox(key="sel_fan_host_type").value
    source = at.selectbox(key="sel_fan_source").value
    vintages, last = query(
        env,
        "select count(distinct generated_at), max(target_date) from marts.fct_forecast_vintages where "
        "forecast_kind = 'usage' and forecast_grain = 'host_type' and forecast_source = ? and host_type = ?",
        [source, host_type],
    )[0]
    assert any(caption.value.startswith(f"{vintages} vintages of") for caption in at.caption)
    assert any(f"to {last:%Y-%m-%d}" in caption.value for caption in at.caption)


def test_unit_cost_is_monthly_by_default(env: dict[str, str]) -> None:
    if not has_rows(env, "fct_unit_cost"):
        pytest.skip("no unit cost in this demo")
    grains = {row[0] for row in query(env, "select distinct period_grain from marts.fct_unit_cost")}
    at = open_page("unit-cost")
    assert at.selectbox(key="sel_unit_cost_grain").value == ("month" if "month" in grains else sorted(grains)[0])
    # the axis shows cents ($10.00), not four decimals ($10.0000), when the costs per unit are a dollar or more
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    axis = [spec["encoding"]["y"]["axis"]["format"] for spec in specs if "$ per" in str(spec["encoding"]["y"])]
    assert axis and all(fmt in ("$,.2f", "$,.4f") for fmt in axis)
    largest = query(env, "select max(abs(fully_loaded_amortized_unit_cost)) from marts.fct_unit_cost")[0][0]
    if largest is not None and float(largest) >= 1:
        assert "$,.4f" not in axis


def test_tables_show_labels_not_codes_and_a_dash_for_missing(env: dict[str, str]) -> None:
    at = open_page("reconciliation")
    table = at.dataframe[0].value
    assert not set(table["status"]) & {"missing_in_ledger", "missing_invoice", "matched", "exception"}
    assert "None" not in set(table["explanation"].astype(str))


# -- glossary -------------------------------------------------------------------------------------------


def test_the_docs_sites_glossary_page_is_generated_from_the_docs_blocks() -> None:
    assert docs_glossary.GLOSSARY_YML.read_text(encoding="utf-8") == docs_glossary.render(docs_glossary.terms()), (
        "analyses/_glossary.yml is stale: run `python -m cloudcost.docs_glossary`"
    )
    listed = {name for named in docs_glossary.terms().values() for name, _ in named}
    blocks = glossary.blocks_from_files(glossary.docs_files())
    assert {"ri_coverage", "amortized_cost", "wape"} <= listed
    assert listed == {name for name in blocks if not name.startswith("__") and name in listed}


def test_docs_search_results_show_compiled_code_not_jinja() -> None:
    """Under each search result dbt's docs site shows a snippet of the node's code: the compiled SQL, so the
    results read ``select …``, not ``{{ config(…) }}`` or ``{#- … -#}``."""
    import click
    import dbt.task.docs

    from cloudcost.commands.docs import RENDERED_CODE_SNIPPET, SEARCH_CODE_SNIPPET, rendered_search_snippets

    site = (Path(dbt.task.docs.__file__).parent / "index.html").read_text(encoding="utf-8")
    rendered = rendered_search_snippets(site)
    assert RENDERED_CODE_SNIPPET in rendered and SEARCH_CODE_SNIPPET not in rendered
    with pytest.raises(click.ClickException, match="search template has changed"):
        rendered_search_snippets(site.replace(SEARCH_CODE_SNIPPET, "highlight(something_else)"))


def test_the_glossary_page_opens_on_a_linked_term_and_hovers_link_to_it(env: dict[str, str]) -> None:
    at = open_page("glossary", {"term": "ri_coverage"})
    blocks = glossary.load_blocks()
    assert at.info[0].value == blocks["ri_coverage"]
    assert len(at.markdown) >= len([n for named in docs_glossary.terms().values() for n in named])
    cost = open_page("cost-layers")
    helps = [metric.help for metric in cost.metric]
    assert any("glossary?term=amortized_cost" in (text or "") for text in helps)


def test_a_date_range_in_the_url_limits_the_months_and_is_named_in_the_titles(env: dict[str, str]) -> None:
    months = sorted(row[0] for row in query(env, "select distinct billing_period from marts.fct_cost_daily"))
    first, last = months[-2], months[-2].replace(day=28)
    at = open_page("cost-layers", {"from": first.isoformat(), "to": last.isoformat()})
    assert list(at.dataframe[0].value["month"]) == [first]
    assert any(f"{first:%Y-%m-%d} to {last:%Y-%m-%d}" in header.value for header in at.subheader)
    assert (at.query_params.get("from"), at.query_params.get("to")) == (first.isoformat(), last.isoformat())
    plain = open_page("cost-layers")
    assert not any(" to " in header.value for header in plain.subheader), "a default range is not a filter"
