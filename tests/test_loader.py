"""cloudcost load on DuckDB: real CUR files into the one raw shape, money conserved, deliveries recorded."""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from cloudcost.loader import CurLoadError, load_paths
from cloudcost.loader.command import load
from cloudcost.schema import RAW_LINE_ITEM_COLUMNS, SQL_TYPES
from cloudcost.settings import Settings, load_settings

LEGACY_PARQUET = "legacy-parquet-2018-10-trimmed.snappy.parquet"
LEGACY_CSV = "legacy-csv-2023-11-trimmed.csv"
CUR2_CSV = "cur2-2026-04-trimmed.csv"

SAMPLES = {
    # file: (billing period, payer, rows), from the samples README
    "legacy-parquet-2018-10.snappy.parquet": (date(2018, 10, 1), "836060457634", 119_307),
    "legacy-csv-2023-11.csv": (date(2023, 11, 1), "123412340534", 1_281),
    "cur2-2026-04.csv": (date(2026, 4, 1), "147303435917", 1_882),
}


def rewrite(source: Path, target: Path, select: str) -> Path:
    """Write ``select ... from src`` over one CUR file to a new CSV or Parquet file (by suffix)."""
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


def assert_conserved(expected: dict, actual: dict) -> None:
    assert set(actual) == set(expected)
    for period, (rows, unblended, on_demand) in expected.items():
        assert actual[period][0] == rows, period
        assert actual[period][1] == pytest.approx(unblended, abs=1e-6), period
        assert actual[period][2] == pytest.approx(on_demand, abs=1e-6), period


# -- the real samples ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def samples_warehouse(cur_samples_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """One DuckDB warehouse with the three real samples loaded in one call (and its report)."""
    settings = replace(load_settings("duckdb"), duckdb_path=tmp_path_factory.mktemp("samples") / "wh.duckdb")
    return settings, load_paths([cur_samples_dir], settings, progress=False)


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_real_sample_conserves_money_per_period(
    sample: str, cur_samples_dir: Path, samples_warehouse, cur_totals, warehouse_query
) -> None:
    settings, report = samples_warehouse
    path = cur_samples_dir / sample
    period, payer, rows = SAMPLES[sample]
    expected = cur_totals(path)
    assert list(expected) == [period]
    assert expected[period][0] == rows
    assert period_totals(warehouse_query, settings)[period] == pytest.approx(expected[period], abs=1e-6)
    [delivery] = [d for d in report.deliveries if d.billing_period == period]
    assert (delivery.payer_account_id, delivery.row_count, delivery.status) == (payer, rows, "loaded")
    assert delivery.source_files == (str(path.resolve()),)
    assert delivery.total_unblended_cost == pytest.approx(expected[period][1], abs=1e-6)
    assert delivery.total_public_on_demand_cost == pytest.approx(expected[period][2], abs=1e-6)


def test_real_samples_match_the_readme_figures(samples_warehouse, warehouse_query) -> None:
    settings, report = samples_warehouse
    # the samples' CUR 2.0 manifest names a file that was renamed when it was copied: ignored, said so
    assert any("lists none of the files given" in note for note in report.notes)
    totals = period_totals(warehouse_query, settings)
    assert set(totals) == {date(2018, 10, 1), date(2023, 11, 1), date(2026, 4, 1)}
    assert totals[date(2018, 10, 1)][1] == pytest.approx(4064.483132, abs=1e-6)
    assert totals[date(2018, 10, 1)][2] == pytest.approx(4237.681735, abs=1e-6)
    assert totals[date(2023, 11, 1)][1:] == pytest.approx((1.68, 3.36), abs=0.005)
    assert totals[date(2026, 4, 1)][1:] == pytest.approx((0.0, 49.56), abs=0.005)
    types = dict(
        warehouse_query(
            settings,
            "select line_item_line_item_type, count(*) from raw.raw_cur_line_items "
            "where bill_payer_account_id = '836060457634' group by 1",
        )
    )
    assert types == {"Usage": 110_953, "DiscountedUsage": 8_345, "RIFee": 9}
    terms = dict(
        warehouse_query(
            settings,
            "select coalesce(pricing_term, '(none)'), count(*) from raw.raw_cur_line_items "
            "where bill_payer_account_id = '836060457634' and line_item_line_item_type = 'Usage' group by 1",
        )
    )
    assert terms == {"OnDemand": 88_559, "(none)": 22_394}
    cur2_types = dict(
        warehouse_query(
            settings,
            "select line_item_line_item_type, count(*) from raw.raw_cur_line_items "
            "where bill_payer_account_id = '147303435917' group by 1",
        )
    )
    assert cur2_types == {"Usage": 1_511, "Credit": 358, "Tax": 13}


# -- the trimmed copies in the repository ------------------------------------------------------------------
@pytest.mark.parametrize("fixture", [LEGACY_PARQUET, LEGACY_CSV, CUR2_CSV])
def test_trimmed_fixture_conserves_money(
    fixture: str, cur_fixtures_dir: Path, duckdb_settings: Settings, cur_totals, warehouse_query
) -> None:
    path = cur_fixtures_dir / fixture
    load_paths([path], duckdb_settings, progress=False)
    assert_conserved(cur_totals(path), period_totals(warehouse_query, duckdb_settings))


def test_trimmed_parquet_keeps_every_line_item_type(cur_fixtures_dir: Path) -> None:
    con = duckdb.connect()
    types = dict(
        con.execute(
            "select line_item_line_item_type, count(*) "
            f"from read_parquet('{cur_fixtures_dir / LEGACY_PARQUET}') "
            "group by 1"
        ).fetchall()
    )
    assert set(types) == {"Usage", "DiscountedUsage", "RIFee"}
    assert types["RIFee"] == 9


def test_raw_table_has_exactly_the_schema_columns(
    cur_fixtures_dir: Path, duckdb_settings: Settings, warehouse_query
) -> None:
    load_paths([cur_fixtures_dir], duckdb_settings, progress=False)
    described = warehouse_query(
        duckdb_settings,
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'raw' and table_name = 'raw_cur_line_items' order by ordinal_position",
    )
    expected = [(column.name, SQL_TYPES["duckdb"][column.type]) for column in RAW_LINE_ITEM_COLUMNS]
    assert described == expected


def test_values_are_normalized_the_same_way_for_every_flavour(
    cur_fixtures_dir: Path, duckdb_settings: Settings, warehouse_query
) -> None:
    load_paths([cur_fixtures_dir], duckdb_settings, progress=False)
    rows = warehouse_query(
        duckdb_settings,
        """
        select source_format,
            count(*) filter (where pricing_term = '' or line_item_resource_id = '' or bill_invoice_id = ''),
            count(*) filter (
                where bill_billing_period_start_date is null or line_item_usage_start_date is null),
            count(*) filter (
                where json_valid(resource_tags) and json_valid(product) and json_valid(cost_category)),
            count(*),
            count(*) filter (where discount is null),
            min(line_item_usage_start_date), max(line_item_usage_end_date)
        from raw.raw_cur_line_items group by 1 order by 1
        """,
    )
    by_format = {row[0]: row[1:] for row in rows}
    assert set(by_format) == {"cur2_csv", "legacy_csv", "legacy_parquet"}
    for source_format, (
        empties,
        null_dates,
        valid_json,
        total,
        no_discount,
        first,
        last,
    ) in by_format.items():
        assert empties == 0, source_format
        assert null_dates == 0, source_format
        assert valid_json == total, source_format
        # only CUR 2.0 carries a discount map; legacy files without discount columns say "none" with NULL
        assert no_discount == (0 if source_format == "cur2_csv" else total), source_format
        assert first.day == 1 and last <= datetime(first.year + first.month // 12, first.month % 12 + 1, 1)


def test_tags_keep_cur2_key_spelling_and_drop_empty_values(
    cur_fixtures_dir: Path, duckdb_settings: Settings, warehouse_query
) -> None:
    load_paths([cur_fixtures_dir / LEGACY_PARQUET, cur_fixtures_dir / CUR2_CSV], duckdb_settings, progress=False)
    tags = warehouse_query(
        duckdb_settings,
        "select source_format, resource_tags from raw.raw_cur_line_items where resource_tags <> '{}'",
    )
    keys = {fmt: set() for fmt in ("legacy_parquet", "cur2_csv")}
    for source_format, text in tags:
        decoded = json.loads(text)
        assert all(value != "" for value in decoded.values())
        keys[source_format] |= set(decoded)
    assert "user_cost_center" in keys["cur2_csv"]
    assert keys["legacy_parquet"] <= {
        "aws_autoscaling_group_name",
        "aws_created_by",
        "aws_ec2spot_fleet_request_id",
        "user_cost_center",
        "user_department",
        "user_environment",
        "user_name",
        "user_workload",
        "user_workload_type",
    }
    assert keys["legacy_parquet"]


def test_legacy_csv_headers_tags_cost_categories_and_region_fallback(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query
) -> None:
    source = cur_fixtures_dir / LEGACY_CSV
    path = rewrite(
        source,
        tmp_path / "tagged.csv",
        """select *,
            case when row_number() over () % 2 = 0 then 'Team A' else '' end
                as "resourceTags/user:Cost Center",
            case when row_number() over () % 3 = 0 then 'asg-1' end
                as "resourceTags/aws:autoscaling:groupName",
            'Platform' as "costCategory/Business Unit"
        from src""",
    )
    load_paths([path], duckdb_settings, progress=False)
    rows = warehouse_query(
        duckdb_settings,
        "select resource_tags, cost_category, product_region_code, product from raw.raw_cur_line_items",
    )
    tags = [json.loads(row[0]) for row in rows]
    assert {"user_cost_center": "Team A"} in tags
    assert {} in tags
    assert any(tag.get("aws_autoscaling_group_name") == "asg-1" for tag in tags)
    assert all(json.loads(row[1]) == {"business_unit": "Platform"} for row in rows)
    originals = dict(
        duckdb.connect()
        .execute(
            f'select "identity/LineItemId" || "identity/TimeInterval", coalesce("product/regionCode", '
            f"\"product/region\") from read_csv('{source}', all_varchar = true, header = true)"
        )
        .fetchall()
    )
    loaded = dict(
        warehouse_query(
            duckdb_settings,
            "select identity_line_item_id || identity_time_interval, product_region_code from raw.raw_cur_line_items",
        )
    )
    assert loaded == originals
    assert any("region" in json.loads(row[3]) for row in rows)


def test_cur2_parquet_with_map_columns_loads_like_its_csv(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query, cur_totals
) -> None:
    csv_path = cur_fixtures_dir / CUR2_CSV
    parquet = rewrite(
        csv_path,
        tmp_path / "cur2.parquet",
        """select * replace (
            cast(resource_tags::json as map(varchar, varchar)) as resource_tags,
            cast(product::json as map(varchar, varchar)) as product,
            cast(cost_category::json as map(varchar, varchar)) as cost_category,
            cast(discount::json as map(varchar, double)) as discount,
            cast(line_item_unblended_cost as double) as line_item_unblended_cost,
            cast(pricing_public_on_demand_cost as double) as pricing_public_on_demand_cost,
            cast(line_item_usage_start_date as timestamp) as line_item_usage_start_date,
            cast(bill_billing_period_start_date as timestamp) as bill_billing_period_start_date
        ) from src""",
    )
    report = load_paths([parquet], duckdb_settings, progress=False)
    assert report.deliveries[0].source_format == "cur2_parquet"
    assert_conserved(cur_totals(csv_path), period_totals(warehouse_query, duckdb_settings))
    from_parquet = warehouse_query(
        duckdb_settings,
        "select identity_line_item_id, identity_time_interval, resource_tags, product, product_product_name, "
        "product_instance_type, line_item_usage_start_date from raw.raw_cur_line_items order by all",
    )
    other = replace(duckdb_settings, duckdb_path=tmp_path / "csv.duckdb")
    load_paths([csv_path], other, progress=False)
    from_csv = warehouse_query(
        other,
        "select identity_line_item_id, identity_time_interval, resource_tags, product, product_product_name, "
        "product_instance_type, line_item_usage_start_date from raw.raw_cur_line_items order by all",
    )
    assert [(*r[:2], json.loads(r[2]), json.loads(r[3]), *r[4:]) for r in from_parquet] == [
        (*r[:2], json.loads(r[2]), json.loads(r[3]), *r[4:]) for r in from_csv
    ]
    assert all(row[4] is not None for row in from_csv)  # product_name comes out of the product map


@pytest.mark.parametrize("as_parquet", [False, True])
def test_account_ids_keep_leading_zeros(
    as_parquet: bool, cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query
) -> None:
    target = tmp_path / ("zeros.parquet" if as_parquet else "zeros.csv")
    rewrite(
        cur_fixtures_dir / LEGACY_CSV,
        target,
        """select * replace (
            '012345678901' as "bill/PayerAccountId", '000098765432' as "lineItem/UsageAccountId"
        ) from src""",
    )
    report = load_paths([target], duckdb_settings, progress=False)
    assert report.deliveries[0].payer_account_id == "012345678901"
    ids = warehouse_query(
        duckdb_settings,
        "select distinct bill_payer_account_id, line_item_usage_account_id from raw.raw_cur_line_items",
    )
    assert ids == [("012345678901", "000098765432")]
    totals = warehouse_query(duckdb_settings, "select distinct usage_account_id from raw.raw_cur_delivery_totals")
    assert totals == [("000098765432",)]


def test_account_id_stored_as_a_number_gets_its_leading_zeros_back(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query
) -> None:
    target = rewrite(
        cur_fixtures_dir / LEGACY_PARQUET,
        tmp_path / "numeric-ids.parquet",
        "select * replace (cast(12345678901 as bigint) as line_item_usage_account_id) from src",
    )
    load_paths([target], duckdb_settings, progress=False)
    ids = warehouse_query(duckdb_settings, "select distinct line_item_usage_account_id from raw.raw_cur_line_items")
    assert ids == [("012345678901",)]


def test_timestamps_in_every_spelling_become_utc(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query
) -> None:
    target = rewrite(
        cur_fixtures_dir / LEGACY_CSV,
        tmp_path / "times.csv",
        """select * replace (
            '2023-11-01 00:00:00' as "bill/BillingPeriodStartDate",
            '2023-11-02T01:00:00+01:00' as "lineItem/UsageStartDate",
            '2023-11-02T00:00:00Z' as "lineItem/UsageEndDate"
        ) from src""",
    )
    load_paths([target], duckdb_settings, progress=False)
    rows = warehouse_query(
        duckdb_settings,
        "select distinct bill_billing_period_start_date, line_item_usage_start_date, "
        "line_item_usage_end_date "
        "from raw.raw_cur_line_items",
    )
    assert rows == [(datetime(2023, 11, 1), datetime(2023, 11, 2), datetime(2023, 11, 2))]


def test_money_keeps_full_precision(
    tmp_path: Path, cur_fixtures_dir: Path, duckdb_settings: Settings, warehouse_query
) -> None:
    target = rewrite(
        cur_fixtures_dir / LEGACY_CSV,
        tmp_path / "precise.csv",
        """select * replace ('0.0000000123' as "lineItem/UnblendedCost") from src""",
    )
    load_paths([target], duckdb_settings, progress=False)
    values = warehouse_query(duckdb_settings, "select distinct line_item_unblended_cost from raw.raw_cur_line_items")
    assert values == [(1.23e-08,)]


# -- deliveries ---------------------------------------------------------------------------------------------
def test_same_delivery_twice_changes_nothing(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_snapshot
) -> None:
    path = cur_fixtures_dir / LEGACY_PARQUET
    first = load_paths([path], duckdb_settings, progress=False)
    before = warehouse_snapshot(duckdb_settings)
    renamed = tmp_path / "same-bytes-other-name.parquet"
    shutil.copyfile(path, renamed)
    second = load_paths([renamed], duckdb_settings, progress=False)
    assert [d.status for d in first.deliveries] == ["loaded"]
    assert [d.status for d in second.deliveries] == ["already loaded"]
    assert second.rows_loaded == 0
    assert warehouse_snapshot(duckdb_settings) == before
    assert len(before["raw_cur_deliveries"]) == 1


def test_restated_delivery_replaces_the_period_and_keeps_history(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query, cur_totals
) -> None:
    original = cur_fixtures_dir / LEGACY_CSV
    restated = rewrite(
        original,
        tmp_path / "restated.csv",
        """select * replace (
            case when "lineItem/LineItemType" = 'Usage'
                then cast(cast("lineItem/UnblendedCost" as double) + 0.5 as varchar)
                else "lineItem/UnblendedCost" end as "lineItem/UnblendedCost")
        from src where "identity/LineItemId" <> (select min("identity/LineItemId") from src)""",
    )
    first = load_paths([original], duckdb_settings, progress=False).deliveries[0]
    second = load_paths([restated], duckdb_settings, progress=False).deliveries[0]
    assert second.status == "replaced" and second.replaces == first.delivery_id
    assert_conserved(cur_totals(restated), period_totals(warehouse_query, duckdb_settings))
    deliveries = warehouse_query(
        duckdb_settings,
        "select delivery_id, superseded_at is not null, row_count, total_unblended_cost "
        "from raw.raw_cur_deliveries order by loaded_at",
    )
    assert [(row[0], row[1]) for row in deliveries] == [
        (first.delivery_id, True),
        (second.delivery_id, False),
    ]
    totals = dict(
        warehouse_query(
            duckdb_settings,
            "select delivery_id, sum(unblended_cost) from raw.raw_cur_delivery_totals group by 1",
        )
    )
    assert totals[first.delivery_id] == pytest.approx(first.total_unblended_cost, abs=1e-9)
    assert totals[second.delivery_id] == pytest.approx(second.total_unblended_cost, abs=1e-9)
    assert second.total_unblended_cost > first.total_unblended_cost
    lines = warehouse_query(duckdb_settings, "select distinct delivery_id from raw.raw_cur_line_items")
    assert lines == [(second.delivery_id,)]


def test_delivery_totals_add_up_to_the_delivery(
    cur_fixtures_dir: Path, duckdb_settings: Settings, warehouse_query
) -> None:
    load_paths([cur_fixtures_dir], duckdb_settings, progress=False)
    rows = warehouse_query(
        duckdb_settings,
        """
        with by_totals as (
            select delivery_id, sum(row_count) as row_count, sum(unblended_cost) as unblended_cost,
                sum(public_on_demand_cost) as public_on_demand_cost
            from raw.raw_cur_delivery_totals group by 1
        )
        select d.row_count - t.row_count, d.total_unblended_cost - t.unblended_cost,
            d.total_public_on_demand_cost - t.public_on_demand_cost
        from raw.raw_cur_deliveries as d inner join by_totals as t using (delivery_id)
        """,
    )
    assert len(rows) == 3
    for row_gap, unblended_gap, on_demand_gap in rows:
        assert row_gap == 0 and abs(unblended_gap) < 1e-9 and abs(on_demand_gap) < 1e-9


def test_one_delivery_in_several_files_and_gzip(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query, cur_totals
) -> None:
    source = cur_fixtures_dir / LEGACY_CSV
    folder = tmp_path / "delivery"
    folder.mkdir()
    rewrite(source, folder / "part-1.csv", "select * from src where \"lineItem/LineItemType\" = 'Tax'")
    second = rewrite(source, tmp_path / "part-2.csv", "select * from src where \"lineItem/LineItemType\" <> 'Tax'")
    with second.open("rb") as plain, gzip.open(folder / "part-2.csv.gz", "wb") as packed:
        shutil.copyfileobj(plain, packed)
    (folder / "notes.txt").write_text("not a CUR file")
    report = load_paths([folder], duckdb_settings, progress=False)
    [delivery] = report.deliveries
    assert len(delivery.source_files) == 2
    assert_conserved(cur_totals(source), period_totals(warehouse_query, duckdb_settings))


def test_status_table_beside_athena_parquet_is_skipped(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query
) -> None:
    export = tmp_path / "export"
    (export / "year=2018" / "month=10").mkdir(parents=True)
    shutil.copyfile(cur_fixtures_dir / LEGACY_PARQUET, export / "year=2018" / "month=10" / "report-00001.parquet")
    status = export / "cost_and_usage_data_status"
    status.mkdir()
    duckdb.connect().execute(f"copy (select 'READY' as status) to '{status / 'status.parquet'}' (format parquet)")
    report = load_paths([export], duckdb_settings, progress=False)
    assert [d.row_count for d in report.deliveries] == [313]


def test_manifest_groups_the_files_of_a_delivery(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query
) -> None:
    assembly = tmp_path / "report" / "20231101-20231201" / "assembly-1"
    assembly.mkdir(parents=True)
    source = cur_fixtures_dir / LEGACY_CSV
    rewrite(source, assembly / "report-1.csv", "select * from src where \"lineItem/LineItemType\" = 'Tax'")
    rewrite(source, assembly / "report-2.csv", "select * from src where \"lineItem/LineItemType\" <> 'Tax'")
    keys = [f"prefix/report/20231101-20231201/assembly-1/report-{n}.csv" for n in (1, 2)]
    (assembly / "report-Manifest.json").write_text(json.dumps({"assemblyId": "assembly-1", "reportKeys": keys}))
    (tmp_path / "report" / "unrelated.json").write_text(json.dumps({"hello": "world"}))
    report = load_paths([tmp_path / "report"], duckdb_settings, progress=False)
    assert [d.status for d in report.deliveries] == ["loaded"]
    assert any("not a CUR manifest" in note for note in report.notes)
    assert warehouse_query(duckdb_settings, "select count(*) from raw.raw_cur_line_items") == [(246,)]


def test_several_periods_and_payers_in_one_load(
    cur_fixtures_dir: Path, duckdb_settings: Settings, warehouse_query, cur_totals
) -> None:
    report = load_paths([cur_fixtures_dir], duckdb_settings, progress=False)
    assert sorted(d.billing_period for d in report.deliveries) == [
        date(2018, 10, 1),
        date(2023, 11, 1),
        date(2026, 4, 1),
    ]
    expected: dict = {}
    for name in (LEGACY_PARQUET, LEGACY_CSV, CUR2_CSV):
        expected.update(cur_totals(cur_fixtures_dir / name))
    assert_conserved(expected, period_totals(warehouse_query, duckdb_settings))
    table = report.summary_table()
    assert "2018-10" in table and "836060457634" in table and "loaded" in table


# -- the command ------------------------------------------------------------------------------------------
def test_command_loads_and_prints_the_summary(cur_fixtures_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"CLOUDCOST_DUCKDB_PATH": str(tmp_path / "cli.duckdb"), "CLOUDCOST_TARGET": "postgres"}
    result = runner.invoke(load, ["--target", "duckdb", "--quiet", str(cur_fixtures_dir / LEGACY_CSV)], env=env)
    assert result.exit_code == 0, result.output
    assert "2023-11" in result.output and "loaded" in result.output
    again = runner.invoke(load, ["--target", "duckdb", "--quiet", str(cur_fixtures_dir / LEGACY_CSV)], env=env)
    assert "already loaded" in again.output


def test_command_reports_errors_in_one_sentence(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = CliRunner().invoke(
        load, ["--quiet", str(empty)], env={"CLOUDCOST_DUCKDB_PATH": str(tmp_path / "cli.duckdb")}
    )
    assert result.exit_code == 2
    assert "empty.csv is empty" in result.output and "Nothing was loaded" in result.output
    assert "Traceback" not in result.output


def test_error_type_is_a_click_exception() -> None:
    import click

    assert issubclass(CurLoadError, click.ClickException)
