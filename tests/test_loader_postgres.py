"""cloudcost load on Postgres (COPY inside one transaction): same results and same refusals as DuckDB."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import psycopg2
import pytest

from cloudcost.loader import CurLoadError, load_paths
from cloudcost.schema import RAW_LINE_ITEM_COLUMNS
from cloudcost.settings import Settings

pytestmark = pytest.mark.postgres

DATABASE = "cloudcost_test_load"
LEGACY_PARQUET = "legacy-parquet-2018-10-trimmed.snappy.parquet"
LEGACY_CSV = "legacy-csv-2023-11-trimmed.csv"
CUR2_CSV = "cur2-2026-04-trimmed.csv"


@pytest.fixture
def pg_settings(postgres_database: Callable[[str], Settings]) -> Settings:
    """The loader's own test database, with no raw schema."""
    settings = postgres_database(DATABASE)
    con = psycopg2.connect(settings.pg_dsn)
    try:
        with con.cursor() as cur:
            cur.execute("drop schema if exists raw cascade")
        con.commit()
    finally:
        con.close()
    return settings


def rewrite(source: Path, target: Path, select: str) -> Path:
    con = duckdb.connect()
    if source.name.endswith(".parquet"):
        reader = f"read_parquet('{source}')"
    else:
        reader = f"read_csv('{source}', all_varchar = true, header = true)"
    options = "(format parquet)" if target.name.endswith(".parquet") else "(header, delimiter ',')"
    con.execute(f"copy (with src as (select * from {reader}) {select}) to '{target}' {options}")
    con.close()
    return target


def period_totals(warehouse_query, settings: Settings) -> dict[date, tuple[int, float, float]]:
    rows = warehouse_query(
        settings,
        "select cast(bill_billing_period_start_date as date), count(*), sum(line_item_unblended_cost), "
        "sum(pricing_public_on_demand_cost) from raw.raw_cur_line_items group by 1",
    )
    return {row[0]: (int(row[1]), float(row[2]), float(row[3])) for row in rows}


def test_real_samples_conserve_money_on_postgres(
    cur_samples_dir: Path, pg_settings: Settings, cur_totals, warehouse_query
) -> None:
    load_paths([cur_samples_dir], pg_settings, progress=False)
    actual = period_totals(warehouse_query, pg_settings)
    expected: dict = {}
    for sample in ("legacy-parquet-2018-10.snappy.parquet", "legacy-csv-2023-11.csv", "cur2-2026-04.csv"):
        expected.update(cur_totals(cur_samples_dir / sample))
    assert set(actual) == set(expected) == {date(2018, 10, 1), date(2023, 11, 1), date(2026, 4, 1)}
    for period, figures in expected.items():
        assert actual[period][0] == figures[0]
        assert actual[period][1:] == pytest.approx(figures[1:], abs=1e-6)
    assert actual[date(2018, 10, 1)][1:] == pytest.approx((4064.483132, 4237.681735), abs=1e-6)


def test_postgres_and_duckdb_hold_the_same_lines(
    cur_fixtures_dir: Path, pg_settings: Settings, duckdb_settings: Settings, warehouse_query
) -> None:
    paths = [cur_fixtures_dir / name for name in (LEGACY_PARQUET, LEGACY_CSV, CUR2_CSV)]
    load_paths(paths, pg_settings, progress=False)
    load_paths(paths, duckdb_settings, progress=False)
    columns = ", ".join(c.name for c in RAW_LINE_ITEM_COLUMNS if c.name not in ("loaded_at", "source_file"))
    query = f"select {columns} from raw.raw_cur_line_items"
    on_postgres = sorted(warehouse_query(pg_settings, query), key=repr)
    on_duckdb = sorted(warehouse_query(duckdb_settings, query), key=repr)
    assert len(on_postgres) == 313 + 246 + 165
    assert on_postgres == on_duckdb
    described = warehouse_query(
        pg_settings,
        "select column_name from information_schema.columns where table_schema = 'raw' "
        "and table_name = 'raw_cur_line_items' order by ordinal_position",
    )
    # Postgres cuts identifiers at 63 characters (the Savings Plans column
    # savings_plan_net_amortized_upfront_commitment_for_billing_period is 64); queries that spell the
    # full name still work there, because Postgres cuts them the same way.
    assert [row[0] for row in described] == [c.name[:63] for c in RAW_LINE_ITEM_COLUMNS]


def test_idempotence_and_restatement_on_postgres(
    cur_fixtures_dir: Path,
    tmp_path: Path,
    pg_settings: Settings,
    warehouse_query,
    warehouse_snapshot,
    cur_totals,
) -> None:
    original = cur_fixtures_dir / LEGACY_CSV
    first = load_paths([original], pg_settings, progress=False).deliveries[0]
    before = warehouse_snapshot(pg_settings)
    copy = tmp_path / "same.csv"
    shutil.copyfile(original, copy)
    assert load_paths([copy], pg_settings, progress=False).deliveries[0].status == "already loaded"
    assert warehouse_snapshot(pg_settings) == before
    restated = rewrite(
        original,
        tmp_path / "restated.csv",
        """select * replace (cast(cast("lineItem/UnblendedCost" as double) + 0.25 as varchar)
            as "lineItem/UnblendedCost") from src""",
    )
    second = load_paths([restated], pg_settings, progress=False).deliveries[0]
    assert second.status == "replaced"
    actual = period_totals(warehouse_query, pg_settings)[date(2023, 11, 1)]
    expected = cur_totals(restated)[date(2023, 11, 1)]
    assert actual[0] == expected[0] and actual[1:] == pytest.approx(expected[1:], abs=1e-6)
    deliveries = warehouse_query(
        pg_settings,
        "select delivery_id, superseded_at is not null from raw.raw_cur_deliveries order by loaded_at",
    )
    assert deliveries == [(first.delivery_id, True), (second.delivery_id, False)]
    kept = warehouse_query(pg_settings, "select count(distinct delivery_id) from raw.raw_cur_delivery_totals")
    assert kept == [(2,)]


def test_account_ids_keep_leading_zeros_on_postgres(
    cur_fixtures_dir: Path, tmp_path: Path, pg_settings: Settings, warehouse_query
) -> None:
    target = rewrite(
        cur_fixtures_dir / LEGACY_CSV,
        tmp_path / "zeros.csv",
        """select * replace (
            '012345678901' as "bill/PayerAccountId", '000098765432' as "lineItem/UsageAccountId"
        ) from src""",
    )
    load_paths([target], pg_settings, progress=False)
    ids = warehouse_query(
        pg_settings,
        "select distinct bill_payer_account_id, line_item_usage_account_id from raw.raw_cur_line_items",
    )
    assert ids == [("012345678901", "000098765432")]


def _truncated_parquet(fixtures: Path, folder: Path) -> list[Path]:
    data = (fixtures / LEGACY_PARQUET).read_bytes()
    (folder / "truncated.parquet").write_bytes(data[: len(data) // 2])
    return [folder / "truncated.parquet"]


def _non_numeric_cost(fixtures: Path, folder: Path) -> list[Path]:
    return [
        rewrite(
            fixtures / LEGACY_CSV,
            folder / "bad.csv",
            """select * replace ('12,5' as "lineItem/UnblendedCost") from src""",
        )
    ]


def _same_period_twice(fixtures: Path, folder: Path) -> list[Path]:
    shutil.copyfile(fixtures / LEGACY_CSV, folder / "copy.csv")
    return [fixtures / LEGACY_CSV, folder / "copy.csv"]


def _other_currency(fixtures: Path, folder: Path) -> list[Path]:
    return [
        rewrite(
            fixtures / LEGACY_PARQUET,
            folder / "eur.parquet",
            "select * replace ('EUR' as line_item_currency_code, line_item_unblended_cost * 0.9 as "
            "line_item_unblended_cost) from src",
        )
    ]


def _empty(fixtures: Path, folder: Path) -> list[Path]:
    (folder / "empty.csv").write_bytes(b"")
    return [folder / "empty.csv"]


def _unknown_type(fixtures: Path, folder: Path) -> list[Path]:
    return [
        rewrite(
            fixtures / LEGACY_CSV,
            folder / "new-type.csv",
            """select * replace ('Surprise' as "lineItem/LineItemType") from src""",
        )
    ]


def _missing_cost_column(fixtures: Path, folder: Path) -> list[Path]:
    return [
        rewrite(
            fixtures / LEGACY_CSV,
            folder / "no-cost.csv",
            'select * exclude ("lineItem/UnblendedCost") from src',
        )
    ]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (_truncated_parquet, r"cannot be read as Parquet"),
        (_non_numeric_cost, r"not a number, e.g. '12,5'"),
        (_same_period_twice, r"delivered twice"),
        (_other_currency, r"is in EUR, but USD"),
        (_empty, r"is empty"),
        (_unknown_type, r"Unknown line item type 'Surprise'"),
        (_missing_cost_column, r"no column line_item_unblended_cost"),
    ],
    ids=[
        "truncated parquet",
        "non-numeric cost",
        "same period twice",
        "other currency",
        "empty file",
        "unknown type",
        "missing cost column",
    ],
)
def test_refused_load_changes_nothing_on_postgres(
    build, message: str, cur_fixtures_dir: Path, tmp_path: Path, pg_settings: Settings, warehouse_snapshot
) -> None:
    load_paths([cur_fixtures_dir / LEGACY_PARQUET, cur_fixtures_dir / LEGACY_CSV], pg_settings, progress=False)
    before = warehouse_snapshot(pg_settings)
    with pytest.raises(CurLoadError, match=message):
        load_paths(build(cur_fixtures_dir, tmp_path), pg_settings, progress=False)
    assert warehouse_snapshot(pg_settings) == before
