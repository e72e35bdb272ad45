"""`cloudcost demo` end to end: weeks of replayed forecast
vintages, accuracy for every horizon bucket, the finance files loaded with the sign-offs of their deliberate
exceptions, a build whose money checks pass (every other test runs on it in test_check.py), and every
dashboard page with data — on DuckDB, and on Postgres read through the read-only role (same figures as DuckDB)."""

from __future__ import annotations

import re
from typing import Any

import duckdb
import psycopg2
import pytest
from dashboard_warehouse import APP, DEMO_OUTPUT, Warehouse, shared_warehouse
from streamlit.testing.v1 import AppTest

from streamlit_app.pages_index import PAGES
from streamlit_app.ui import empty_states

BUCKETS = {"1-7", "8-14", "15-28", "29-35"}
SOURCES = {
    "usage": {"baseline", "engineering", "naive_last_value", "naive_seasonal"},
    "cost": {"finance", "month_end_projection", "naive_last_value"},
}
ACCURACY_BY_BUCKET = (
    "select forecast_source, forecast_grain, measure, horizon_bucket, "
    "sum(sum_absolute_error) / sum(sum_actual), sum(n_points) "
    "from marts.fct_forecast_accuracy where grain_member = '(all)' group by 1, 2, 3, 4"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return shared_warehouse(tmp_path_factory.mktemp("dashboard"))


def query(warehouse: Warehouse, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(warehouse.source), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def empty_notices(at: AppTest) -> list[str]:
    """The page's empty states ("No … yet", "No … for these filters")."""
    return [str(notice.value) for notice in at.info if empty_states(str(notice.value))]


def render(page) -> AppTest:  # noqa: ANN001
    """One page as a browser session would open it (the app's default page first)."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    if not page.default:
        at.switch_page(page.path).run()
    return at


def test_demo_prints_its_replay_and_passes_its_money_checks(demo: Warehouse) -> None:
    output = DEMO_OUTPUT.get("duckdb")
    if output is None:
        pytest.skip("the dashboard warehouse was not built by `cloudcost demo` in this process")
    assert re.search(r"replayed 9 day\(s\) from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d", output)
    assert "cloudcost demo: finance files loaded" in output and "sign_offs 3 rows" in output
    assert re.search(r"Done\. PASS=\d+ WARN=\d+ ERROR=0 ", output)
    assert "cloudcost demo: done in" in output


def test_snapshots_hold_at_least_eight_vintages_per_source(demo: Warehouse) -> None:
    for kind, table in (("usage", "snp_usage_forecasts"), ("cost", "snp_cost_forecasts")):
        counts = dict(
            query(demo, f"select forecast_source, count(distinct generated_at) from snapshots.{table} group by 1")
        )
        assert set(counts) == SOURCES[kind], (kind, counts)
        assert min(counts.values()) >= 8, (kind, counts)
    vintages = query(
        demo, "select count(distinct (forecast_kind, forecast_source, generated_at)) from marts.fct_forecast_vintages"
    )
    assert vintages[0][0] >= 8 * (len(SOURCES["usage"]) + len(SOURCES["cost"]))


def test_accuracy_has_every_horizon_bucket_for_every_source(demo: Warehouse) -> None:
    rows = query(demo, ACCURACY_BY_BUCKET)
    buckets: dict[tuple[str, str], set[str]] = {}
    for source, grain, measure, bucket, wape, points in rows:
        buckets.setdefault((source, measure), set()).add(bucket)
        assert points > 0 and wape is not None and wape >= 0, (source, grain, measure, bucket)
    for source in SOURCES["usage"]:
        assert buckets[(source, "normalized_units")] == BUCKETS, source
    # monthly cost forecasts: a month ahead is at most ~ 35 days for the sources made weekly
    for source in SOURCES["cost"]:
        assert buckets[(source, "net_cost")] & BUCKETS, source


def test_baseline_beats_seasonal_naive_at_every_horizon_bucket(demo: Warehouse) -> None:
    wape = {
        (source, bucket): value
        for source, grain, measure, bucket, value, _ in query(demo, ACCURACY_BY_BUCKET)
        if measure == "normalized_units"
    }
    for bucket in BUCKETS:
        assert wape[("baseline", bucket)] < wape[("naive_seasonal", bucket)], (bucket, wape)
        assert wape[("baseline", bucket)] < wape[("engineering", bucket)], (bucket, wape)


def test_finance_forecast_meets_itemized_actuals_per_family_with_the_discount_rate_difference(
    demo: Warehouse,
) -> None:
    rows = query(
        demo,
        "select service_code, instance_family, count(*), count(discount_rate_difference), "
        "max(abs(discount_rate_difference - (realized_discount_rate - expected_discount_rate))) "
        "from marts.fct_finance_forecast_comparison where forecast_source = 'finance' "
        "and actual_public_on_demand_cost is not null group by 1, 2",
    )
    services = {row[0] for row in rows}
    assert {"AmazonEC2", "AmazonRDS", "AmazonElastiCache"} <= services
    assert all(row[3] > 0 for row in rows if row[1]), rows
    assert max(row[4] or 0 for row in rows) < 1e-9
    # every finance forecast family meets an itemized actual (RDS / ElastiCache named as the semantic layer does)
    unmatched = query(
        demo,
        "select distinct service_code, instance_family from marts.fct_finance_forecast_comparison "
        "where forecast_source = 'finance' and is_complete and actual_public_on_demand_cost is null",
    )
    assert unmatched == []


def test_closed_periods_are_accepted_and_the_exceptions_stay_visible(demo: Warehouse) -> None:
    statuses = dict(query(demo, "select close_status, count(*) from marts.fct_period_close_status group by 1"))
    assert "failing" not in statuses and statuses.get("accepted", 0) >= 3, statuses
    # the credit memo booked next period, the Marketplace invoice missing from the ledger, the restated month
    signed = query(
        demo,
        "select status from marts.fct_invoice_reconciliation where is_signed_off and status <> 'matched' order by 1",
    )
    assert [row[0] for row in signed] == ["exception", "missing_in_ledger", "missing_in_ledger"]


@pytest.mark.parametrize("page", PAGES, ids=[page.url_path for page in PAGES])
def test_every_page_has_data_after_the_demo(demo: Warehouse, monkeypatch: pytest.MonkeyPatch, page) -> None:  # noqa: ANN001
    for name, value in demo.env().items():
        monkeypatch.setenv(name, value)
    at = render(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not empty_notices(at), empty_notices(at)
    assert at.dataframe or not page.marts, f"{page.title}: no table"  # (the glossary reads no mart)


# -- Postgres ------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_demo_equals_duckdb_and_every_page_has_data_as_the_reader(
    demo: Warehouse, postgres_demo: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    dsn = (
        f"host={postgres_demo['PGHOST']} port={postgres_demo['PGPORT']} dbname={postgres_demo['PGDATABASE']} "
        f"user={postgres_demo['CLOUDCOST_READER_USER']}"
    )
    con = psycopg2.connect(dsn)
    try:
        with con.cursor() as cur:
            cur.execute(ACCURACY_BY_BUCKET)
            on_postgres = sorted((*row[:4], float(row[4]), int(row[5])) for row in cur.fetchall())
    finally:
        con.close()
    on_duckdb = sorted((*row[:4], float(row[4]), int(row[5])) for row in query(demo, ACCURACY_BY_BUCKET))
    assert [row[:4] for row in on_postgres] == [row[:4] for row in on_duckdb]
    for pg_row, duck_row in zip(on_postgres, on_duckdb, strict=True):
        assert pg_row[4] == pytest.approx(duck_row[4], abs=1e-8), pg_row
        assert pg_row[5] == duck_row[5], pg_row

    for name, value in {**postgres_demo, "PGUSER": "postgres-admin-must-not-be-used"}.items():
        monkeypatch.setenv(name, value)
    for page in PAGES:
        at = render(page)
        assert not at.exception, (page.title, [e.value for e in at.exception])
        assert not empty_notices(at), (page.title, empty_notices(at))
        assert at.dataframe or not page.marts, f"{page.title}: no table"
