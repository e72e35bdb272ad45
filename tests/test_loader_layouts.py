"""A folder as ``aws s3 sync`` leaves it loads in one call, in each of AWS's five layouts.

Every scenario has at least two deliveries of a billing period plus one still being written: one load call loads
what is complete, oldest first, the latest wins, ``raw_cur_deliveries`` keeps the superseded ones, and a second
call is a no-op. Fixtures are laid out by ``cur_layouts`` from the trimmed real CUR files.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from cur_layouts import (
    REAL_CUR2_MANIFEST,
    athena_delivery,
    cur2_delivery,
    cut,
    legacy_delivery,
    set_time,
    shift_cur2_months,
    shuffle_times,
    write_status,
)

from cloudcost.loader import CurLoadError, load_paths
from cloudcost.loader.command import load
from cloudcost.loader.layouts import delivery_time, place_of
from cloudcost.settings import Settings

LEGACY_CSV = "legacy-csv-2023-11-trimmed.csv"
LEGACY_PARQUET = "legacy-parquet-2018-10-trimmed.snappy.parquet"
CUR2_CSV = "cur2-2026-04-trimmed.csv"

# d1: the month so far (no tax yet); d2: the whole month; d3: a restatement (costs doubled)
VARIANTS = {
    LEGACY_CSV: {
        "d1": """select * from src where "lineItem/LineItemType" <> 'Tax'""",
        "d2": "select * from src",
        "d3": """select * replace (cast(cast("lineItem/UnblendedCost" as double) * 2 as varchar)
                 as "lineItem/UnblendedCost") from src""",
    },
    LEGACY_PARQUET: {
        "d1": "select * from src where line_item_usage_start_date < timestamp '2018-10-15'",
        "d2": "select * from src",
        "d3": "select * replace (line_item_unblended_cost * 2 as line_item_unblended_cost) from src",
    },
    CUR2_CSV: {
        "d1": "select * from src where line_item_line_item_type <> 'Tax'",
        "d2": "select * from src",
        "d3": """select * replace (cast(cast(line_item_unblended_cost as double) * 2 as varchar)
                 as line_item_unblended_cost) from src""",
    },
}
PERIODS = {LEGACY_CSV: date(2023, 11, 1), LEGACY_PARQUET: date(2018, 10, 1), CUR2_CSV: date(2026, 4, 1)}


def variants(fixtures: Path, name: str, folder: Path) -> dict[str, Path]:
    suffix = ".parquet" if name.endswith(".parquet") else ".csv"
    return {key: cut(fixtures / name, folder / f"{key}{suffix}", select) for key, select in VARIANTS[name].items()}


def deliveries_of(warehouse_query, settings: Settings, period: date) -> list[tuple[int, bool]]:
    """(rows, is current) of each recorded delivery of a period, in load order."""
    rows = warehouse_query(
        settings,
        "select row_count, superseded_at is null from raw.raw_cur_deliveries "
        f"where billing_period = date '{period}' order by loaded_at",
    )
    return [(int(count), bool(current)) for count, current in rows]


def period_totals(warehouse_query, settings: Settings) -> dict[date, tuple[int, float, float]]:
    rows = warehouse_query(
        settings,
        "select cast(bill_billing_period_start_date as date), count(*), sum(line_item_unblended_cost), "
        "sum(pricing_public_on_demand_cost) from raw.raw_cur_line_items group by 1",
    )
    return {row[0]: (int(row[1]), float(row[2]), float(row[3] or 0.0)) for row in rows}


def assert_holds(expected: dict, actual: dict) -> None:
    assert set(actual) == set(expected)
    for period, (rows, unblended, on_demand) in expected.items():
        assert actual[period][0] == rows, period
        assert actual[period][1] == pytest.approx(unblended, abs=1e-6), period
        assert actual[period][2] == pytest.approx(on_demand, abs=1e-6), period


def assert_second_call_is_a_no_op(paths: list[Path], settings: Settings, warehouse_snapshot) -> None:
    before = warehouse_snapshot(settings)
    again = load_paths(paths, settings, progress=False)
    assert again.deliveries == []
    assert warehouse_snapshot(settings) == before


# -- the layouts, one by one ----------------------------------------------------------------------------------
def test_path_recognition() -> None:
    cur2 = place_of(Path("/s/cur/x/data/BILLING_PERIOD=2026-04/2026-04-16T15:24:15.653Z-04e9/x-00001.csv.gz"))
    assert cur2 is not None and cur2.family == "cur2" and cur2.period == date(2026, 4, 1)
    assert cur2.root == Path("/s/cur/x") and cur2.delivery_folder == "2026-04-16T15:24:15.653Z-04e9"
    athena = place_of(Path("/s/r/r/year=2018/month=9/r-00001.snappy.parquet"))
    assert athena is not None and athena.family == "athena" and athena.period == date(2018, 9, 1)
    legacy = place_of(Path("/s/r/20231101-20231201/r-1.csv.gz"))
    assert legacy is not None and legacy.delivery_folder is None and legacy.period == date(2023, 11, 1)
    assert place_of(Path("/s/r/20231115-20231201/r-1.csv.gz")) is None  # not a billing period
    assert place_of(Path("/s/loose/file.csv")) is None
    assert delivery_time("2026-04-16T15:24:15.653Z-04e9") == datetime(2026, 4, 16, 15, 24, 15, 653000)
    assert delivery_time("20260603T065934Z-22f4") == datetime(2026, 6, 3, 6, 59, 34)


def test_legacy_new_version_per_delivery(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query, warehouse_snapshot, cur_totals
) -> None:
    period = PERIODS[LEGACY_CSV]
    source = variants(cur_fixtures_dir, LEGACY_CSV, tmp_path / "sources")
    sync = tmp_path / "sync"
    legacy_delivery(sync, "report", period, [source["d1"]], "a-first", current=False)
    legacy_delivery(sync, "report", period, [source["d2"]], "z-second", current=True)
    # the third assembly's files are there, its manifests are not yet
    third = legacy_delivery(sync, "report", period, [source["d3"]], "m-third", manifest=False)
    shuffle_times(sync)

    report = load_paths([sync], duckdb_settings, progress=False)
    assert [d.status for d in report.deliveries] == ["loaded", "replaced"]
    assert_holds(cur_totals(source["d2"]), period_totals(warehouse_query, duckdb_settings))
    assert deliveries_of(warehouse_query, duckdb_settings, period) == [(234, False), (246, True)]
    assert any("m-third" in note and "not loaded" in note for note in report.notes)
    assert_second_call_is_a_no_op([sync], duckdb_settings, warehouse_snapshot)

    # AWS finishes the third delivery: its manifest, and the dated folder's manifest now names it
    legacy_delivery(sync, "report", period, [source["d3"]], "m-third", current=True)
    assert third.files[0].exists()
    report = load_paths([sync], duckdb_settings, progress=False)
    assert [d.status for d in report.deliveries] == ["replaced"]
    assert_holds(cur_totals(source["d3"]), period_totals(warehouse_query, duckdb_settings))
    assert deliveries_of(warehouse_query, duckdb_settings, period) == [(234, False), (246, False), (246, True)]
    assert_second_call_is_a_no_op([sync], duckdb_settings, warehouse_snapshot)


def test_legacy_overwrite(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query, warehouse_snapshot, cur_totals
) -> None:
    period = PERIODS[LEGACY_CSV]
    source = variants(cur_fixtures_dir, LEGACY_CSV, tmp_path / "sources")
    sync = tmp_path / "sync"
    for step, key in enumerate(("d1", "d2")):
        delivered = legacy_delivery(sync, "report", period, [source[key]], None)
        synced_at = datetime(2023, 11, 20 + step, 6)
        set_time(delivered.files[0], synced_at)
        set_time(delivered.manifests[0], synced_at + timedelta(minutes=2))
        load_paths([sync], duckdb_settings, progress=False)
    assert_holds(cur_totals(source["d2"]), period_totals(warehouse_query, duckdb_settings))
    assert deliveries_of(warehouse_query, duckdb_settings, period) == [(234, False), (246, True)]
    assert_second_call_is_a_no_op([sync], duckdb_settings, warehouse_snapshot)

    # the next month's first delivery is being written: data, no manifest yet
    next_month = legacy_delivery(sync, "report", date(2023, 12, 1), [source["d1"]], None, manifest=False)
    report = load_paths([sync], duckdb_settings, progress=False)
    assert report.deliveries == []
    assert any("2023-12" in note and "no manifest yet" in note for note in report.notes)
    shutil.rmtree(next_month.files[0].parent)

    # a sync taken while AWS overwrote the period: a data file newer than the manifest
    overwritten = legacy_delivery(sync, "report", period, [source["d3"]], None, manifest=False)
    set_time(overwritten.files[0], datetime(2023, 11, 23, 6))
    before = warehouse_snapshot(duckdb_settings)
    with pytest.raises(CurLoadError, match=r"report-1\.csv\.gz is newer than its manifest .*mixes two deliveries"):
        load_paths([sync], duckdb_settings, progress=False)
    assert warehouse_snapshot(duckdb_settings) == before


def test_athena_parquet(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query, warehouse_snapshot, cur_totals
) -> None:
    period = PERIODS[LEGACY_PARQUET]
    source = variants(cur_fixtures_dir, LEGACY_PARQUET, tmp_path / "sources")
    sync = tmp_path / "sync"
    for step, key in enumerate(("d1", "d2")):
        delivered = athena_delivery(sync, "report", period, [source[key]])
        synced_at = datetime(2018, 10, 20 + step, 6)
        set_time(delivered.files[0], synced_at)
        set_time(delivered.manifests[0], synced_at + timedelta(minutes=2))
        load_paths([sync], duckdb_settings, progress=False)
    assert_holds(cur_totals(source["d2"]), period_totals(warehouse_query, duckdb_settings))
    assert deliveries_of(warehouse_query, duckdb_settings, period) == [(225, False), (313, True)]
    assert_second_call_is_a_no_op([sync], duckdb_settings, warehouse_snapshot)

    # AWS is rewriting the report: the status table says UPDATING
    write_status(sync / "report" / "report", "UPDATING")
    before = warehouse_snapshot(duckdb_settings)
    with pytest.raises(CurLoadError, match=r"cost_and_usage_data_status says UPDATING"):
        load_paths([sync], duckdb_settings, progress=False)
    assert warehouse_snapshot(duckdb_settings) == before


def test_cur2_new_version_per_delivery(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query, warehouse_snapshot, cur_totals
) -> None:
    period = PERIODS[CUR2_CSV]
    source = variants(cur_fixtures_dir, CUR2_CSV, tmp_path / "sources")
    sync = tmp_path / "sync"
    # written newest first, times shuffled: the order comes from the delivery folders' names
    cur2_delivery(sync, "export", period, [source["d3"]], datetime(2026, 4, 18, 6), manifest=False)
    cur2_delivery(sync, "export", period, [source["d2"]], datetime(2026, 4, 16, 15, 24, 15, 653000))
    cur2_delivery(sync, "export", period, [source["d1"]], datetime(2026, 4, 9, 6))
    shuffle_times(sync)

    report = load_paths([sync], duckdb_settings, progress=False)
    assert [d.status for d in report.deliveries] == ["loaded", "replaced"]
    assert_holds(cur_totals(source["d2"]), period_totals(warehouse_query, duckdb_settings))
    assert deliveries_of(warehouse_query, duckdb_settings, period) == [(152, False), (165, True)]
    assert any("newer than the newest manifest" in note for note in report.notes)
    assert_second_call_is_a_no_op([sync], duckdb_settings, warehouse_snapshot)


def test_cur2_overwrite(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query, warehouse_snapshot, cur_totals
) -> None:
    period = PERIODS[CUR2_CSV]
    source = variants(cur_fixtures_dir, CUR2_CSV, tmp_path / "sources")
    sync = tmp_path / "sync"
    for step, key in enumerate(("d1", "d2")):
        delivered = cur2_delivery(sync, "export", period, [source[key]], None)
        synced_at = datetime(2026, 4, 20 + step, 6)
        set_time(delivered.files[0], synced_at)
        set_time(delivered.manifests[0], synced_at + timedelta(minutes=1))
        load_paths([sync], duckdb_settings, progress=False)
    assert_holds(cur_totals(source["d2"]), period_totals(warehouse_query, duckdb_settings))
    assert deliveries_of(warehouse_query, duckdb_settings, period) == [(152, False), (165, True)]
    assert_second_call_is_a_no_op([sync], duckdb_settings, warehouse_snapshot)

    overwritten = cur2_delivery(sync, "export", period, [source["d3"]], None, manifest=False)
    set_time(overwritten.files[0], datetime(2026, 4, 23, 6))
    before = warehouse_snapshot(duckdb_settings)
    with pytest.raises(CurLoadError, match=r"export-00001\.csv\.gz is newer than its manifest"):
        load_paths([sync], duckdb_settings, progress=False)
    assert warehouse_snapshot(duckdb_settings) == before


# -- the real manifest, restatements, discount modes -----------------------------------------------------------
def test_the_real_cur2_manifest_names_its_delivery(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query, cur_totals
) -> None:
    """The real export's manifest, unchanged, at the path its dataFiles key implies, after an earlier delivery."""
    import json

    manifest = json.loads(REAL_CUR2_MANIFEST.read_text())
    [key] = manifest["dataFiles"]
    relative = key.removeprefix("s3://").split("/", 1)[1]  # without the bucket
    sync = tmp_path / "sync"
    data_file = sync / relative
    cut(cur_fixtures_dir / CUR2_CSV, data_file)
    export_root = data_file.parents[3]  # <export>/data/BILLING_PERIOD=…/<delivery>/file
    delivery_folder = data_file.parent.name
    metadata = export_root / "metadata" / "BILLING_PERIOD=2026-04" / delivery_folder
    metadata.mkdir(parents=True)
    shutil.copyfile(REAL_CUR2_MANIFEST, metadata / f"{export_root.name}-Manifest.json")
    earlier = cut(cur_fixtures_dir / CUR2_CSV, tmp_path / "earlier.csv", VARIANTS[CUR2_CSV]["d1"])
    cur2_delivery(sync / "CUR-daily-1.0", export_root.name, date(2026, 4, 1), [earlier], datetime(2026, 4, 15, 6))
    shuffle_times(sync)

    report = load_paths([sync], duckdb_settings, progress=False)
    assert [d.status for d in report.deliveries] == ["loaded", "replaced"]
    assert report.deliveries[-1].source_files == (str(data_file.resolve()),)
    assert_holds(cur_totals(cur_fixtures_dir / CUR2_CSV), period_totals(warehouse_query, duckdb_settings))


def test_restatement_of_a_closed_month_after_a_newer_month(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query, cur_totals
) -> None:
    source = variants(cur_fixtures_dir, CUR2_CSV, tmp_path / "sources")
    may = shift_cur2_months(source["d2"], tmp_path / "sources" / "may.csv", 1)
    sync = tmp_path / "sync"
    cur2_delivery(sync, "export", date(2026, 4, 1), [source["d2"]], datetime(2026, 5, 2, 6))
    cur2_delivery(sync, "export", date(2026, 5, 1), [may], datetime(2026, 5, 10, 6))
    # April restated (a late credit doubled its costs) on May 14th, after May's first delivery
    cur2_delivery(sync, "export", date(2026, 4, 1), [source["d3"]], datetime(2026, 5, 14, 6))
    shuffle_times(sync)

    load_paths([sync], duckdb_settings, progress=False)
    expected = {**cur_totals(source["d3"]), **cur_totals(may)}
    assert_holds(expected, period_totals(warehouse_query, duckdb_settings))
    assert deliveries_of(warehouse_query, duckdb_settings, date(2026, 4, 1)) == [(165, False), (165, True)]
    assert deliveries_of(warehouse_query, duckdb_settings, date(2026, 5, 1)) == [(165, True)]


def test_switching_manual_discount_compatibility_mid_year_counts_nothing_twice(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query, cur_totals
) -> None:
    """April has discount lines (EdpDiscount); May has the discount map and net columns instead. May's first
    delivery was still in line mode: the later one replaces it whole, so no month holds both."""
    sources = tmp_path / "sources"
    usage = "line_item_line_item_type = 'Usage' and cast(line_item_unblended_cost as double) > 0"
    discount = "round(-0.03 * cast(line_item_unblended_cost as double), 10)"
    with_lines = f"""
        select * from src
        union all
        select * replace ('EdpDiscount' as line_item_line_item_type,
            cast({discount} as varchar) as line_item_unblended_cost, '0' as pricing_public_on_demand_cost,
            identity_line_item_id || '-edp' as identity_line_item_id)
        from src where {usage}"""
    with_map = f"""
        select * replace (
            case when {usage} then '{{"edp_discount":' || cast({discount} as varchar) || '}}' else discount end
                as discount,
            case when {usage} then cast(cast(line_item_unblended_cost as double) + {discount} as varchar)
                else line_item_net_unblended_cost end as line_item_net_unblended_cost)
        from src"""
    april = cut(cur_fixtures_dir / CUR2_CSV, sources / "april-lines.csv", with_lines)
    may_lines = shift_cur2_months(april, sources / "may-lines.csv", 1)
    may_net = cut(
        shift_cur2_months(cur_fixtures_dir / CUR2_CSV, sources / "may.csv", 1), sources / "may-net.csv", with_map
    )
    sync = tmp_path / "sync"
    cur2_delivery(sync, "export", date(2026, 4, 1), [april], datetime(2026, 5, 2, 6))
    cur2_delivery(sync, "export", date(2026, 5, 1), [may_lines], datetime(2026, 5, 20, 6))
    cur2_delivery(sync, "export", date(2026, 5, 1), [may_net], datetime(2026, 6, 2, 6))

    load_paths([sync], duckdb_settings, progress=False)
    assert_holds({**cur_totals(april), **cur_totals(may_net)}, period_totals(warehouse_query, duckdb_settings))
    by_month = warehouse_query(
        duckdb_settings,
        """select cast(bill_billing_period_start_date as date),
            count(*) filter (where line_item_line_item_type = 'EdpDiscount'),
            count(*) filter (where discount is not null and discount like '%edp_discount%')
        from raw.raw_cur_line_items group by 1 order by 1""",
    )
    edp_lines = int(
        warehouse_query(
            duckdb_settings,
            "select count(*) from raw.raw_cur_line_items where line_item_line_item_type = 'EdpDiscount'",
        )[0][0]
    )
    assert by_month == [(date(2026, 4, 1), edp_lines, 0), (date(2026, 5, 1), 0, edp_lines)]
    assert edp_lines > 0


# -- the command -------------------------------------------------------------------------------------------------
def test_command_prints_progress_per_period(cur_fixtures_dir: Path, tmp_path: Path) -> None:
    source = variants(cur_fixtures_dir, CUR2_CSV, tmp_path / "sources")
    sync = tmp_path / "sync"
    cur2_delivery(sync, "export", date(2026, 4, 1), [source["d1"]], datetime(2026, 4, 9, 6))
    cur2_delivery(sync, "export", date(2026, 4, 1), [source["d2"]], datetime(2026, 4, 16, 6))
    env = {"CLOUDCOST_DUCKDB_PATH": str(tmp_path / "cli.duckdb")}
    first = CliRunner().invoke(load, ["--target", "duckdb", "--quiet", str(sync)], env=env)
    assert first.exit_code == 0, first.output
    assert "2026-04 (CUR 2.0, new version per delivery, export): 2 delivery(ies), 0 already loaded" in first.output
    second = CliRunner().invoke(load, ["--target", "duckdb", "--quiet", str(sync)], env=env)
    assert "2 already loaded, 0 to load" in second.output


# -- Postgres ----------------------------------------------------------------------------------------------------
@pytest.fixture
def pg_settings(postgres_database) -> Settings:
    import psycopg2

    settings = postgres_database("cloudcost_test_layouts")
    con = psycopg2.connect(settings.pg_dsn)
    try:
        with con.cursor() as cur:
            cur.execute("drop schema if exists raw cascade")
        con.commit()
    finally:
        con.close()
    return settings


@pytest.mark.postgres
def test_synced_export_on_postgres(
    cur_fixtures_dir: Path, tmp_path: Path, pg_settings: Settings, warehouse_query, warehouse_snapshot, cur_totals
) -> None:
    source = variants(cur_fixtures_dir, CUR2_CSV, tmp_path / "sources")
    may = shift_cur2_months(source["d2"], tmp_path / "sources" / "may.csv", 1)
    sync = tmp_path / "sync"
    cur2_delivery(sync, "export", date(2026, 4, 1), [source["d1"]], datetime(2026, 4, 9, 6))
    cur2_delivery(sync, "export", date(2026, 4, 1), [source["d2"]], datetime(2026, 5, 2, 6))
    cur2_delivery(sync, "export", date(2026, 5, 1), [may], datetime(2026, 5, 10, 6))
    cur2_delivery(sync, "export", date(2026, 4, 1), [source["d3"]], datetime(2026, 5, 14, 6))
    cur2_delivery(sync, "export", date(2026, 5, 1), [source["d1"]], datetime(2026, 5, 20, 6), manifest=False)
    shuffle_times(sync)

    load_paths([sync], pg_settings, progress=False)
    assert_holds({**cur_totals(source["d3"]), **cur_totals(may)}, period_totals(warehouse_query, pg_settings))
    april = deliveries_of(warehouse_query, pg_settings, date(2026, 4, 1))
    assert april == [(152, False), (165, False), (165, True)]
    assert deliveries_of(warehouse_query, pg_settings, date(2026, 5, 1)) == [(165, True)]
    assert_second_call_is_a_no_op([sync], pg_settings, warehouse_snapshot)


# -- refusals ------------------------------------------------------------------------------------------------
def test_two_exports_of_one_payer_are_refused_and_of_two_payers_both_load(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_query, warehouse_snapshot, cur_totals
) -> None:
    source = variants(cur_fixtures_dir, CUR2_CSV, tmp_path / "sources")
    sync = tmp_path / "sync"
    cur2_delivery(sync, "export-a", date(2026, 4, 1), [source["d2"]], datetime(2026, 5, 2, 6))
    cur2_delivery(sync, "export-b", date(2026, 4, 1), [source["d1"]], datetime(2026, 5, 2, 7))
    with pytest.raises(CurLoadError, match=r"2026-04 of payer \d+ is delivered by two exports in this load"):
        load_paths([sync], duckdb_settings, progress=False)
    assert warehouse_snapshot(duckdb_settings) == {}

    shutil.rmtree(sync / "export-b")
    other_payer = cut(
        source["d1"],
        tmp_path / "sources" / "other.csv",
        "select * replace ('999999999999' as bill_payer_account_id) from src",
    )
    cur2_delivery(sync, "export-b", date(2026, 4, 1), [other_payer], datetime(2026, 5, 2, 7))
    report = load_paths([sync], duckdb_settings, progress=False)
    assert sorted(d.payer_account_id for d in report.deliveries)[-1] == "999999999999"
    assert len(report.deliveries) == 2 and {d.status for d in report.deliveries} == {"loaded"}


def test_a_bad_file_in_a_later_delivery_stops_the_load_before_anything_is_written(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_snapshot
) -> None:
    source = variants(cur_fixtures_dir, CUR2_CSV, tmp_path / "sources")
    no_payer = cut(
        source["d2"], tmp_path / "sources" / "no-payer.csv", "select * exclude (bill_payer_account_id) from src"
    )
    sync = tmp_path / "sync"
    cur2_delivery(sync, "export", date(2026, 4, 1), [source["d1"]], datetime(2026, 4, 9, 6))
    cur2_delivery(sync, "export", date(2026, 4, 1), [no_payer], datetime(2026, 4, 16, 6))
    with pytest.raises(CurLoadError, match=r"export-00001\.csv\.gz \(cur2_csv\) has no column bill_payer_account_id"):
        load_paths([sync], duckdb_settings, progress=False)
    assert warehouse_snapshot(duckdb_settings) == {}


def test_a_manifest_naming_a_file_that_was_not_synced_is_refused(
    cur_fixtures_dir: Path, tmp_path: Path, duckdb_settings: Settings, warehouse_snapshot
) -> None:
    source = variants(cur_fixtures_dir, CUR2_CSV, tmp_path / "sources")
    sync = tmp_path / "sync"
    cur2_delivery(sync, "export", date(2026, 4, 1), [source["d1"]], datetime(2026, 4, 9, 6))
    partial = cur2_delivery(sync, "export", date(2026, 4, 1), [source["d2"], source["d3"]], datetime(2026, 4, 16, 6))
    partial.files[1].unlink()
    with pytest.raises(CurLoadError, match=r"is incomplete: its manifest .* lists .*export-00002\.csv\.gz"):
        load_paths([sync], duckdb_settings, progress=False)
    assert warehouse_snapshot(duckdb_settings) == {}


# -- the generator's own synced export ----------------------------------------------------------------------------
@pytest.mark.parametrize("flavour", ["legacy_csv", "cur2_parquet"])
def test_a_generated_export_loads_in_the_generators_delivery_order(
    flavour: str, tmp_path: Path, duckdb_settings: Settings, warehouse_query, warehouse_snapshot
) -> None:
    """Every delivery of a generated export (month-to-date, final, restated), in one call, in the order the
    generator delivered them (generation.json), with times shuffled."""
    import json

    from cloudcost.generator.command import generate_command

    out = tmp_path / "generated"
    args = ["--out", str(out), "--rows", "2000", "--months", "2", "--format", flavour, "--restate"]
    result = CliRunner().invoke(generate_command, args)
    assert result.exit_code == 0, result.output
    shuffle_times(out)
    generation = json.loads((out / "generation.json").read_text())
    expected: dict[str, list[int]] = {}
    for delivery in sorted(generation["deliveries"], key=lambda d: d["delivered_at"]):
        expected.setdefault(delivery["billing_period"], []).append(int(delivery["row_count"]))
    [export] = [path for path in out.iterdir() if path.name.startswith("acme-cur")]

    load_paths([export], duckdb_settings, progress=False)
    loaded: dict[str, list[int]] = {}
    for period, rows in warehouse_query(
        duckdb_settings,
        "select strftime(billing_period, '%Y-%m'), row_count from raw.raw_cur_deliveries order by loaded_at",
    ):
        loaded.setdefault(period, []).append(int(rows))
    assert loaded == expected
    assert max(len(rows) for rows in expected.values()) >= 2
    assert_second_call_is_a_no_op([export], duckdb_settings, warehouse_snapshot)


def test_command_refuses_an_updating_athena_report_in_one_line(cur_fixtures_dir: Path, tmp_path: Path) -> None:
    sync = tmp_path / "sync"
    athena_delivery(sync, "report", PERIODS[LEGACY_PARQUET], [cur_fixtures_dir / LEGACY_PARQUET], status="UPDATING")
    env = {"CLOUDCOST_DUCKDB_PATH": str(tmp_path / "cli.duckdb")}
    result = CliRunner().invoke(load, ["--target", "duckdb", "--quiet", str(sync)], env=env)
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: ") and "says UPDATING" in line and "Nothing was loaded." in line
    assert "Traceback" not in result.output
