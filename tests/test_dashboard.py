"""The dashboard's pages in Streamlit's AppTest, against marts built by dbt from real (trimmed) CUR files."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dashboard_warehouse import APP, Warehouse, shared_warehouse
from pandas.io.formats.style import Styler
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from streamlit_app import data, formats, glossary, ui
from streamlit_app.pages_index import PAGES, page_path

INJECTION = "x' or '1'='1"
DEFAULT_PAGE = next(page.path for page in PAGES if page.default)
COST_LAYERS = page_path("cost-layers")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return shared_warehouse(tmp_path_factory.mktemp("dashboard"))


@pytest.fixture
def dashboard_env(warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch) -> Iterator[Warehouse]:
    for name, value in warehouse.env().items():
        monkeypatch.setenv(name, value)
    yield warehouse


def open_page(path: str, state: dict[str, object] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    if path != DEFAULT_PAGE:
        at.switch_page(path).run()
    return at


def published(warehouse: Warehouse, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(warehouse.published), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def money(text: str) -> float:
    """'$1,234.56' / '-$10.07' -> float."""
    return float(re.sub(r"[^0-9.\-]", "", text.replace("−", "-")))


def sidebar_filter(at: AppTest, label: str):  # noqa: ANN201
    """The sidebar multiselect with this label (its key depends on the page's mart)."""
    (found,) = [widget for widget in at.sidebar.multiselect if widget.label == label]
    return found


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def mart_exists(warehouse: Warehouse, mart: str) -> bool:
    return bool(
        published(
            warehouse,
            "select 1 from information_schema.tables where table_schema = 'marts' and table_name = ?",
            [mart],
        )
    )


# -- every page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=[page.url_path for page in PAGES])
def test_every_page_renders_without_exception(dashboard_env: Warehouse, page) -> None:  # noqa: ANN001
    at = open_page(page.path)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title and at.title[0].value == page.title
    built = [mart for mart in page.marts if mart_exists(dashboard_env, mart)]
    if not page.marts:  # a page of the docs (the glossary)
        assert at.markdown
    elif built and page.marts[0] in built:
        assert at.dataframe, f"{page.title}: {built} are built but no table is shown"
    else:
        assert any("cloudcost" in info.value for info in at.info), f"{page.title}: no empty state"


@pytest.mark.parametrize("page", PAGES, ids=[page.url_path for page in PAGES])
def test_every_table_can_be_downloaded_as_csv(dashboard_env: Warehouse, page) -> None:  # noqa: ANN001
    at = open_page(page.path)
    downloads = at.get("download_button")
    assert len(downloads) == len(at.dataframe)


@pytest.mark.parametrize("page", PAGES, ids=[page.url_path for page in PAGES])
def test_pages_show_an_empty_state_before_anything_is_published(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    page,  # noqa: ANN001
) -> None:
    monkeypatch.setenv("CLOUDCOST_TARGET", "duckdb")
    monkeypatch.setenv("CLOUDCOST_DUCKDB_PATH", str(tmp_path / "none.duckdb"))
    monkeypatch.setenv("CLOUDCOST_DASHBOARD_DB", str(tmp_path / "published" / "none.duckdb"))
    at = open_page(page.path)
    assert not at.exception, [e.value for e in at.exception]
    assert any("run `cloudcost" in info.value for info in at.info) or not page.marts
    assert any("No published data yet" in warning.value for warning in at.sidebar.warning)


# -- cost layers: figures equal the mart, filters change them -----------------------------------------


def cost_figures(warehouse: Warehouse, month: object, accounts: tuple[str, ...] = ()) -> tuple[float, ...]:
    condition = " and account_id in (" + ", ".join("?" for _ in accounts) + ")" if accounts else ""
    row = published(
        warehouse,
        "select sum(on_demand), sum(amortized_cost), sum(unblended_cost) from marts.fct_cost_daily "
        f"where billing_period = ? and currency = 'USD'{condition}",
        [month, *accounts],
    )[0]
    return tuple(float(value or 0.0) for value in row)


def shown_cost_figures(at: AppTest) -> tuple[float, float, float]:
    shown = metrics(at)
    return (
        money(shown["Public on-demand cost"]),
        money(shown["Amortized cost"]),
        money(shown["Unblended cost"]),
    )


def test_cost_layers_figures_equal_the_mart(dashboard_env: Warehouse) -> None:
    at = open_page(COST_LAYERS)
    months = [row[0] for row in published(dashboard_env, "select distinct billing_period from marts.fct_cost_daily")]
    assert len(months) >= 2
    for month in sorted(months):
        at.selectbox(key="sel_cost_month").set_value(month).run()
        expected = cost_figures(dashboard_env, month)
        assert shown_cost_figures(at) == pytest.approx(expected, abs=0.005)
        table = at.dataframe[0].value
        row = table[table["month"] == month].iloc[0]
        assert float(row["amortized_cost"]) == pytest.approx(expected[1], abs=1e-9)


def test_cost_layers_monthly_layers_add_up_to_amortized(dashboard_env: Warehouse) -> None:
    at = open_page(COST_LAYERS)
    table = at.dataframe[0].value
    layers = [
        c
        for c in table.columns
        if c
        not in {
            "month",
            "month_status",
            "currency",
            "public_on_demand_cost",
            "amortized_cost",
            "unblended_cost",
            "billed_cost",
        }
    ]
    assert "on_demand_layer" in layers and len(layers) >= 10
    for _, row in table.iterrows():
        assert sum(float(row[c]) for c in layers) == pytest.approx(float(row["amortized_cost"]), abs=1e-6)


def test_account_filter_changes_the_numbers_and_matches_the_mart(dashboard_env: Warehouse) -> None:
    month, account = published(
        dashboard_env,
        "select billing_period, account_id from marts.fct_cost_daily group by all "
        "order by count(*) desc, billing_period, account_id limit 1",
    )[0]
    others = published(
        dashboard_env,
        "select count(distinct account_id) from marts.fct_cost_daily where billing_period = ?",
        [month],
    )[0][0]
    at = open_page(COST_LAYERS)
    at.selectbox(key="sel_cost_month").set_value(month).run()
    unfiltered = shown_cost_figures(at)
    sidebar_filter(at, "Account").set_value([account]).run()
    assert not at.exception
    filtered = shown_cost_figures(at)
    assert filtered == pytest.approx(cost_figures(dashboard_env, month, (account,)), abs=0.005)
    if others > 1:
        assert filtered != pytest.approx(unfiltered, abs=0.005)


def test_filters_persist_across_pages(dashboard_env: Warehouse) -> None:
    account = published(dashboard_env, "select min(account_id) from marts.fct_cost_daily")[0][0]
    at = open_page(COST_LAYERS)
    sidebar_filter(at, "Account").set_value([account]).run()
    for page in [page for page in PAGES if page.path != COST_LAYERS]:
        at.switch_page(page.path).run()
        assert not at.exception
    at.switch_page(COST_LAYERS).run()
    assert sidebar_filter(at, "Account").value == [account]
    assert at.session_state["flt_account_id"] == [account]


def test_a_filter_value_with_sql_in_it_is_only_a_value(dashboard_env: Warehouse) -> None:
    at = open_page(COST_LAYERS, {"flt_account_id": [INJECTION]})
    assert not at.exception, [e.value for e in at.exception]
    assert sidebar_filter(at, "Account").value == [INJECTION]
    assert not at.metric, "the injected value matched rows"
    assert any("No cost data for these filters" in info.value for info in at.info)


def test_the_query_layer_binds_values_and_refuses_unknown_identifiers(dashboard_env: Warehouse) -> None:
    where = data.where("fct_cost_daily", {"account_id": [INJECTION], "team": ["'; drop table marts.x; --"]})
    text, params = where.sql()
    assert INJECTION not in text and params == [INJECTION, "'; drop table marts.x; --"]
    everything = data.aggregate("fct_cost_daily", [], [("count", "usage_date", "n")])
    assert int(everything.iloc[0]["n"]) > 0
    nothing = data.aggregate("fct_cost_daily", [], [("count", "usage_date", "n")], where)
    assert int(nothing.iloc[0]["n"]) == 0
    with pytest.raises(data.DataAccessError):
        data.rows("raw_cur_line_items")
    with pytest.raises(data.DataAccessError):
        data.rows("fct_cost_daily", where_=data.Where((("team; drop", ("a",)),)))
    with pytest.raises(data.DataAccessError):
        data.aggregate("fct_cost_daily", [], [("sum) from x; --", "amortized_cost", "a")])


def test_date_filter_limits_the_months(dashboard_env: Warehouse) -> None:
    months = sorted(
        row[0] for row in published(dashboard_env, "select distinct billing_period from marts.fct_cost_daily")
    )
    at = open_page(COST_LAYERS)
    at.sidebar.date_input[0].set_value((months[-1], months[-1].replace(day=28))).run()
    assert not at.exception
    assert list(at.dataframe[0].value["month"]) == [months[-1]]
    at.switch_page(page_path("forecast-accuracy")).run()
    at.switch_page(COST_LAYERS).run()
    assert list(at.dataframe[0].value["month"]) == [months[-1]]


# -- freshness and glossary -----------------------------------------------------------------------------


def test_freshness_line_shows_data_through_and_built_at(dashboard_env: Warehouse) -> None:
    at = open_page(COST_LAYERS)
    through = published(dashboard_env, "select max(usage_date) from marts.fct_cost_daily")[0][0]
    built = published(dashboard_env, "select max(published_at) from cloudcost_meta.publication")[0][0]
    captions = " ".join(caption.value for caption in at.sidebar.caption)
    assert f"data through **{through:%Y-%m-%d}**" in captions
    assert f"built at **{built:%Y-%m-%d %H:%M} UTC**" in captions


def test_docs_blocks_are_read_from_files_and_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "terms.md").write_text(
        "{% docs wape %}\n**WAPE** = Σ|actual − forecast| / Σ actual.\n{% enddocs %}\n\n"
        "{%- docs bias -%}Bias text{%- enddocs -%}\n"
    )
    blocks = glossary.blocks_from_files([folder / "terms.md"])
    assert blocks == {"wape": "**WAPE** = Σ|actual − forecast| / Σ actual.", "bias": "Bias text"}
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        '{"metadata": {"project_name": "cloudcost"}, "docs": {'
        '"doc.cloudcost.wape": {"name": "wape", "package_name": "cloudcost", "block_contents": " W "},'
        '"doc.dbt.__overview__": {"name": "__overview__", "package_name": "dbt", "block_contents": "x"}}}'
    )
    assert glossary.blocks_from_manifest(manifest) == {"wape": "W"}


def test_every_term_the_cost_page_explains_comes_from_the_project_docs() -> None:
    blocks = glossary.blocks_from_files(glossary.docs_files())
    for name in (
        "amortized_cost",
        "public_on_demand_cost_basis",
        "effective_discount_rate",
        "unblended_cost",
    ):
        assert blocks.get(name), f"no docs block {name!r} in the project's docs"


# -- the dbt exposure ------------------------------------------------------------------------------------


def project_models() -> set[str]:
    """Model names defined in the project: SQL file names, with a version suffix (_v1) dropped."""
    root = Path(__file__).resolve().parent.parent / "models"
    return {re.sub(r"_v\d+$", "", path.stem) for path in root.rglob("*.sql")}


def test_exposure_and_docs_table_are_written_from_the_page_index() -> None:
    from cloudcost.publish import DASHBOARD_MARTS
    from streamlit_app.page_lists import current_texts, dashboard_marts

    for path, text in current_texts().items():
        assert path.read_text() == text, f"{path.name} is stale: run `python -m streamlit_app.page_lists`"
    assert dashboard_marts(PAGES) == DASHBOARD_MARTS
    missing = sorted(set(DASHBOARD_MARTS) - project_models())
    assert not missing, f"pages read marts that do not exist: {missing}"


def test_page_lists_follow_a_new_page_and_need_their_markers() -> None:
    from dataclasses import replace

    from streamlit_app.page_lists import EXPOSURE_BEGIN, EXPOSURE_END, docs_table, exposure_refs, replace_between

    new_page = replace(PAGES[-2], title="New", url_path="new", marts=("fct_new_mart", PAGES[-2].marts[0]))
    pages = (*PAGES, new_page)
    assert exposure_refs(pages).splitlines()[-1] == "      - ref('fct_new_mart')"
    assert exposure_refs(pages).count(f"ref('{PAGES[-2].marts[0]}')") == 1
    assert docs_table(pages).splitlines()[-1].endswith(f"| `fct_new_mart`, `{PAGES[-2].marts[0]}` |")
    with pytest.raises(ValueError, match="markers"):
        replace_between("no markers", EXPOSURE_BEGIN, EXPOSURE_END, "x")
    document = f"a\n{EXPOSURE_BEGIN}\nold\n{EXPOSURE_END}\nb"
    assert replace_between(document, EXPOSURE_BEGIN, EXPOSURE_END, "new") == document.replace("old", "new")


# -- the other pages: figures equal their marts --------------------------------------------------------


def page_of(title: str):  # noqa: ANN201
    return next(page for page in PAGES if page.title == title)


def require_rows(warehouse: Warehouse, mart: str) -> None:
    if not mart_exists(warehouse, mart) or not published(warehouse, f"select count(*) from marts.{mart}")[0][0]:
        pytest.skip(f"{mart} is not built (or empty) in this project yet")


def percent_value(text: str) -> float:
    return float(text.replace("%", "").strip()) / 100


def test_commitment_coverage_equals_the_mart_and_follows_the_service_filter(dashboard_env: Warehouse) -> None:
    require_rows(dashboard_env, "fct_commitment_coverage")
    sql = (
        "select sum(ri_covered_units) / nullif(sum(ri_covered_units + sp_covered_units + on_demand_units), 0), "
        "sum(sp_covered_list_cost) / nullif(sum(sp_covered_list_cost + sp_eligible_on_demand_list_cost), 0) "
        "from marts.fct_commitment_coverage"
    )
    at = open_page(page_of("Commitments").path)
    assert not at.exception, [e.value for e in at.exception]
    ri, sp = published(dashboard_env, sql)[0]
    shown = metrics(at)
    if ri is not None:
        assert percent_value(shown["RI coverage (units)"]) == pytest.approx(ri, abs=0.0005)
    if sp is not None:
        assert percent_value(shown["SP coverage (cost)"]) == pytest.approx(sp, abs=0.0005)
    service = published(
        dashboard_env,
        "select service_code from marts.fct_commitment_coverage group by 1 "
        "having sum(ri_covered_units + sp_covered_units + on_demand_units) > 0 order by 1 limit 1",
    )[0][0]
    sidebar_filter(at, "Service").set_value([service]).run()
    assert not at.exception
    ri_service = published(dashboard_env, sql + " where service_code = ?", [service])[0][0]
    assert percent_value(metrics(at)["RI coverage (units)"]) == pytest.approx(ri_service, abs=0.0005)


def test_forecast_accuracy_equals_the_mart(dashboard_env: Warehouse) -> None:
    require_rows(dashboard_env, "fct_forecast_accuracy")
    at = open_page(page_of("Forecast accuracy").path)
    assert not at.exception, [e.value for e in at.exception]
    measure = at.selectbox(key="sel_accuracy_measure").value
    grain = at.selectbox(key="sel_accuracy_grain").value
    member = at.selectbox(key="sel_accuracy_member").value
    expected = {
        (source, bucket): (wape, bias)
        for source, bucket, wape, bias in published(
            dashboard_env,
            "select forecast_source, horizon_bucket, sum(sum_absolute_error) / nullif(sum(sum_actual), 0), "
            "(sum(sum_forecast) - sum(sum_actual)) / nullif(sum(sum_actual), 0) from marts.fct_forecast_accuracy "
            "where measure = ? and forecast_grain = ? and grain_member = ? group by all",
            [measure, grain, member],
        )
    }
    table = at.dataframe[0].value  # as shown: sources by their labels, ratios as percentages
    assert len(table) == len(expected)
    sources = {formats.label(source): source for source, _ in expected}
    for _, row in table.iterrows():
        wape, bias = expected[(sources[row["forecast_source"]], row["horizon_bucket"])]
        assert row["wape"] / 100 == pytest.approx(wape, rel=1e-9, nan_ok=True)
        assert row["bias"] / 100 == pytest.approx(bias, rel=1e-9, nan_ok=True)


def test_reconciliation_status_counts_equal_the_mart(dashboard_env: Warehouse) -> None:
    require_rows(dashboard_env, "fct_invoice_reconciliation")
    at = open_page(page_of("Invoice reconciliation").path)
    assert not at.exception, [e.value for e in at.exception]
    counts = dict(published(dashboard_env, "select status, count(*) from marts.fct_invoice_reconciliation group by 1"))
    shown = [caption.value for caption in at.caption if caption.value.startswith("Invoice rows: ")]
    assert shown, "no status counts"
    # the open month's missing invoices are counted as "open month" (its invoice is not due yet)
    listed = shown[0].removeprefix("Invoice rows: ").split(". ")[0].rstrip(".").split(" · ")
    counted = {label: int(number.replace(",", "")) for label, number in (part.rsplit(" ", 1) for part in listed)}
    assert sum(counted.values()) == sum(counts.values())
    for status, count in counts.items():
        if status != "missing_invoice":
            assert counted[formats.label(status)] == count
    assert counted.get("Missing invoice", 0) + counted.get(formats.label("open_month"), 0) == counts.get(
        "missing_invoice", 0
    )
    status = sorted(counts)[0]
    sidebar_filter(at, "Status").set_value([status]).run()
    assert len(at.dataframe[0].value) == counts[status]


def test_unit_cost_table_equals_the_mart(dashboard_env: Warehouse) -> None:
    require_rows(dashboard_env, "fct_unit_cost")
    at = open_page(page_of("Unit cost").path)
    assert not at.exception, [e.value for e in at.exception]
    grain = at.selectbox(key="sel_unit_cost_grain").value
    expected = published(
        dashboard_env,
        "select count(*), sum(fully_loaded_amortized_unit_cost) from marts.fct_unit_cost where period_grain = ?",
        [grain],
    )[0]
    table = at.dataframe[0].value
    assert len(table) == expected[0]
    assert table["fully_loaded_amortized_unit_cost"].sum() == pytest.approx(expected[1] or 0.0, rel=1e-9)


def test_savings_opportunities_are_ranked_and_total_like_the_mart(dashboard_env: Warehouse) -> None:
    require_rows(dashboard_env, "fct_savings_opportunities")
    at = open_page(page_of("Savings opportunities").path)
    assert not at.exception, [e.value for e in at.exception]
    total = published(dashboard_env, "select sum(estimated_monthly_savings) from marts.fct_savings_opportunities")
    assert money(metrics(at)["Estimated monthly savings (list)"]) == pytest.approx(total[0][0], abs=0.005)
    ranks = list(at.dataframe[0].value["savings_rank"])
    assert ranks == sorted(ranks)


def test_the_page_benchmark_times_a_cold_and_a_warm_render_with_data(warehouse: Warehouse) -> None:
    """`cloudcost bench --pages` figures: the overview rendered after the caches are emptied (every query runs
    on a newly opened copy) and again right after, both without errors and with data."""
    from streamlit_app.bench import bench_pages

    (timing,) = bench_pages(warehouse.source, repeats=1, only=("overview",))
    assert timing.page == "Overview" and timing.errors == [] and timing.empty_sections == 0
    assert timing.cold_cpu_seconds > 0 and timing.warm_cpu_seconds > 0
    assert data._HELD, "the cold render opened the published copy again"


# -- long ids: shortened in the cell, whole in its value, on hover and in the CSV ---------------------------

LONG_ID = formats.ID_WIDTH + 3  # what formats.short_id cuts


def cells_shown(table) -> pd.DataFrame:  # noqa: ANN001 (an AppTest Dataframe)
    """The text a table's cells show: its display values where it has them (a Styler's), else its values."""
    display_values = table.proto.arrow_data.styler.display_values
    return dataframe_util.convert_arrow_bytes_to_pandas_df(display_values) if display_values else table.value


def column_hover(table, column: str) -> str:  # noqa: ANN001 (an AppTest Dataframe)
    return json.loads(table.proto.columns).get(column, {}).get("help") or ""


def assert_ids_shortened(table) -> int:  # noqa: ANN001 (an AppTest Dataframe)
    """Every long id of the table reads shortened, its cell's value is the whole id and the column's hover gives
    the whole id of the first row; returns how many long ids there were."""
    values, shown, found = table.value, cells_shown(table), 0
    for column in [c for c in values.columns if c in ui.ID_COLUMNS]:
        expected = formats.short_ids(values[column])
        long_ids = [str(v) for v in values[column] if not formats.is_missing(v) and len(str(v)) > LONG_ID]
        for whole, text in zip(values[column], shown[column], strict=True):
            if str(whole) in long_ids:
                assert text == expected[str(whole)] and "…" in text and len(text) < len(str(whole)), (column, text)
            else:
                assert text == str(whole), (column, text)
        if long_ids:
            assert f"`{long_ids[0]}`" in column_hover(table, column), column
        found += len(long_ids)
    return found


@pytest.mark.parametrize("page", PAGES, ids=[page.url_path for page in PAGES])
def test_every_table_shortens_long_ids_and_keeps_the_whole_id(dashboard_env: Warehouse, page) -> None:  # noqa: ANN001
    at = open_page(page.path)
    assert not at.exception, [e.value for e in at.exception]
    for table in at.dataframe:
        assert_ids_shortened(table)


def test_the_resource_drill_down_shows_the_marts_whole_ids_shortened(dashboard_env: Warehouse) -> None:
    # a team and month whose largest resources include one with a long id (an ARN)
    team, month = published(
        dashboard_env,
        "select team, billing_period from (select team, billing_period, resource_id, row_number() over ("
        "  partition by team, billing_period order by sum(amortized_cost) desc) as rank"
        "  from marts.fct_cost_resource_monthly where currency = 'USD' and team is not null"
        "  group by team, billing_period, resource_id) "
        "where rank <= 40 and length(resource_id) > ? order by billing_period desc, team limit 1",
        [LONG_ID],
    )[0]
    at = open_page(page_path("breakdown"))
    at.selectbox(key="sel_breakdown_slice_team").set_value(team).run()
    at.selectbox(key="sel_breakdown_month").set_value(f"{month:%Y-%m}").run()
    assert not at.exception, [e.value for e in at.exception]
    resources = at.dataframe[2]
    assert "resource_id" in resources.value
    assert assert_ids_shortened(resources) > 0
    whole = {
        row[0]
        for row in published(
            dashboard_env,
            "select distinct resource_id from marts.fct_cost_resource_monthly where team = ? and billing_period = ?",
            [team, month],
        )
    }
    assert set(resources.value["resource_id"].dropna()) - {formats.MISSING} <= whole


def test_the_csv_download_keeps_the_whole_ids(dashboard_env: Warehouse) -> None:
    frame = pd.DataFrame(
        published(
            dashboard_env,
            "select resource_id, usage_type, sum(amortized_cost) as cost from marts.fct_cost_resource_monthly "
            "where length(resource_id) > ? group by all order by cost desc limit 20",
            [LONG_ID],
        ),
        columns=["resource_id", "usage_type", "cost"],
    )
    assert not frame.empty
    parts = ui.table_parts(frame)
    assert isinstance(parts.body, Styler)  # shown shortened: a display format over the whole ids
    assert parts.body.data["resource_id"].tolist() == frame["resource_id"].tolist()
    downloaded = pd.read_csv(io.BytesIO(parts.csv))
    assert list(downloaded["resource_id"]) == list(frame["resource_id"])
    assert "…" not in "".join(downloaded["resource_id"])
