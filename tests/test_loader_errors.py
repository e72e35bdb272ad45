"""Every refused load names the problem and leaves the warehouse exactly as it was (DuckDB)."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from cloudcost.loader import CurLoadError, load_paths
from cloudcost.settings import Settings

LEGACY_PARQUET = "legacy-parquet-2018-10-trimmed.snappy.parquet"
LEGACY_CSV = "legacy-csv-2023-11-trimmed.csv"
CUR2_CSV = "cur2-2026-04-trimmed.csv"


def rewrite(source: Path, target: Path, select: str) -> Path:
    """Write ``with src as (<file>) <select>`` to a new CSV or Parquet file (by suffix)."""
    con = duckdb.connect()
    if source.name.endswith(".parquet"):
        reader = f"read_parquet('{source}')"
    else:
        reader = f"read_csv('{source}', all_varchar = true, header = true)"
    options = "(format parquet)" if target.name.endswith(".parquet") else "(header, delimiter ',')"
    con.execute(f"copy (with src as (select * from {reader}) {select}) to '{target}' {options}")
    con.close()
    return target


# Each case builds the files of one refused load in a folder and says what the error must mention.
Case = Callable[[Path, Path], list[Path]]


def truncated_parquet(fixtures: Path, folder: Path) -> list[Path]:
    data = (fixtures / LEGACY_PARQUET).read_bytes()
    target = folder / "truncated.parquet"
    target.write_bytes(data[: len(data) // 2])
    return [target]


def corrupt_parquet_magic(fixtures: Path, folder: Path) -> list[Path]:
    target = folder / "garbage.parquet"
    target.write_bytes(b"PAR1" + b"\x00" * 200)
    return [target]


def truncated_gzip(fixtures: Path, folder: Path) -> list[Path]:
    packed = gzip.compress((fixtures / LEGACY_CSV).read_bytes())
    target = folder / "truncated.csv.gz"
    target.write_bytes(packed[: len(packed) // 2])
    return [target]


def csv_without_unblended_cost(fixtures: Path, folder: Path) -> list[Path]:
    return [
        rewrite(
            fixtures / LEGACY_CSV,
            folder / "no-cost.csv",
            'select * exclude ("lineItem/UnblendedCost") from src',
        )
    ]


def parquet_without_payer(fixtures: Path, folder: Path) -> list[Path]:
    return [
        rewrite(
            fixtures / LEGACY_PARQUET,
            folder / "no-payer.parquet",
            "select * exclude (bill_payer_account_id) from src",
        )
    ]


def non_numeric_cost(fixtures: Path, folder: Path) -> list[Path]:
    return [
        rewrite(
            fixtures / LEGACY_CSV,
            folder / "bad-number.csv",
            """select * replace (
                case when "identity/LineItemId" = (select max("identity/LineItemId") from src)
                then 'n/a' else "lineItem/UnblendedCost" end as "lineItem/UnblendedCost") from src""",
        )
    ]


def non_numeric_string_column_in_parquet(fixtures: Path, folder: Path) -> list[Path]:
    return [
        rewrite(
            fixtures / LEGACY_PARQUET,
            folder / "bad-units.parquet",
            "select * replace ('12,5' as reservation_total_reserved_units) from src",
        )
    ]


def bad_timestamp(fixtures: Path, folder: Path) -> list[Path]:
    return [
        rewrite(
            fixtures / LEGACY_CSV,
            folder / "bad-time.csv",
            """select * replace ('yesterday' as "lineItem/UsageStartDate") from src""",
        )
    ]


def bad_json_map(fixtures: Path, folder: Path) -> list[Path]:
    return [
        rewrite(
            fixtures / CUR2_CSV,
            folder / "bad-tags.csv",
            "select * replace ('{not json' as resource_tags) from src",
        )
    ]


def same_delivery_twice(fixtures: Path, folder: Path) -> list[Path]:
    copy = folder / "copy-of-the-same-month.csv"
    shutil.copyfile(fixtures / LEGACY_CSV, copy)
    return [fixtures / LEGACY_CSV, copy]


def overlapping_restatement(fixtures: Path, folder: Path) -> list[Path]:
    restated = rewrite(
        fixtures / LEGACY_CSV,
        folder / "restated.csv",
        """select * replace (
            cast(cast("lineItem/UnblendedCost" as double) * 2 as varchar) as "lineItem/UnblendedCost"
        ) from src""",
    )
    return [fixtures / LEGACY_CSV, restated]


def two_assemblies(fixtures: Path, folder: Path) -> list[Path]:
    source = fixtures / LEGACY_CSV
    for assembly, rows in (("a-1", "= 'Tax'"), ("a-2", "<> 'Tax'")):
        target = folder / "20231101-20231201" / assembly
        target.mkdir(parents=True)
        rewrite(source, target / "report-1.csv", f'select * from src where "lineItem/LineItemType" {rows}')
        key = f"cur/report/20231101-20231201/{assembly}/report-1.csv"
        (target / "report-Manifest.json").write_text(json.dumps({"assemblyId": assembly, "reportKeys": [key]}))
    return [folder]


def incomplete_manifest(fixtures: Path, folder: Path) -> list[Path]:
    target = folder / "20231101-20231201" / "a-1"
    target.mkdir(parents=True)
    shutil.copyfile(fixtures / LEGACY_CSV, target / "report-1.csv")
    keys = [f"cur/report/20231101-20231201/a-1/report-{n}.csv" for n in (1, 2)]
    (target / "report-Manifest.json").write_text(json.dumps({"assemblyId": "a-1", "reportKeys": keys}))
    return [folder]


def other_currency(fixtures: Path, folder: Path) -> list[Path]:
    # the parquet's payer (already loaded in USD) delivering another month in EUR
    return [
        rewrite(
            fixtures / LEGACY_PARQUET,
            folder / "euro.parquet",
            """select * replace ('EUR' as line_item_currency_code,
                timestamp '2018-11-01' as bill_billing_period_start_date,
                timestamp '2018-12-01' as bill_billing_period_end_date,
                line_item_usage_start_date + interval 1 month as line_item_usage_start_date,
                line_item_usage_end_date + interval 1 month as line_item_usage_end_date) from src""",
        )
    ]


def mixed_currencies(fixtures: Path, folder: Path) -> list[Path]:
    return [
        rewrite(
            fixtures / LEGACY_CSV,
            folder / "mixed.csv",
            """select * replace (
                case when "lineItem/LineItemType" = 'Tax' then 'CAD' else "lineItem/CurrencyCode" end
                as "lineItem/CurrencyCode") from src""",
        )
    ]


def empty_file(fixtures: Path, folder: Path) -> list[Path]:
    target = folder / "empty.csv"
    target.write_bytes(b"")
    return [fixtures / LEGACY_CSV, target]


def header_only(fixtures: Path, folder: Path) -> list[Path]:
    return [rewrite(fixtures / LEGACY_CSV, folder / "header-only.csv", "select * from src limit 0")]


def unknown_line_item_type(fixtures: Path, folder: Path) -> list[Path]:
    return [
        rewrite(
            fixtures / LEGACY_CSV,
            folder / "new-type.csv",
            """select * replace (
                case when "lineItem/LineItemType" = 'Tax' then 'MysteryFee' else "lineItem/LineItemType" end
                as "lineItem/LineItemType") from src""",
        )
    ]


def focus_file(fixtures: Path, folder: Path) -> list[Path]:
    target = folder / "focus.csv"
    target.write_text(
        "BilledCost,BillingAccountId,BillingPeriodStart,ChargeCategory,EffectiveCost,ListCost\n"
        "1.5,123456789012,2024-01-01T00:00:00Z,Usage,1.5,1.7\n"
    )
    return [target]


def zip_archive(fixtures: Path, folder: Path) -> list[Path]:
    target = folder / "report.csv.zip"
    target.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    return [target]


def missing_path(fixtures: Path, folder: Path) -> list[Path]:
    return [folder / "nowhere.csv"]


def good_restatement_with_a_bad_file(fixtures: Path, folder: Path) -> list[Path]:
    restated = rewrite(
        fixtures / LEGACY_PARQUET,
        folder / "restated.parquet",
        "select * replace (line_item_unblended_cost * 2 as line_item_unblended_cost) from src",
    )
    return [restated, *non_numeric_cost(fixtures, folder)]


CASES: dict[str, tuple[Case, str]] = {
    "truncated parquet": (truncated_parquet, r"truncated\.parquet cannot be read as Parquet"),
    "corrupt parquet": (corrupt_parquet_magic, r"garbage\.parquet cannot be read as Parquet"),
    "truncated csv.gz": (truncated_gzip, r"truncated\.csv\.gz cannot be read as CSV"),
    "csv without line_item_unblended_cost": (
        csv_without_unblended_cost,
        r"no-cost\.csv .*no column line_item_unblended_cost",
    ),
    "parquet without payer": (parquet_without_payer, r"no-payer\.parquet .*no column bill_payer_account_id"),
    "non-numeric cost": (
        non_numeric_cost,
        r"bad-number\.csv: column lineItem/UnblendedCost \(line_item_unblended_cost\) "
        r"has 1 value\(s\) that are not a number, e.g. 'n/a'",
    ),
    "non-numeric text column in parquet": (
        non_numeric_string_column_in_parquet,
        r"bad-units\.parquet: column reservation_total_reserved_units has \d+ value\(s\) "
        r"that are not a number, e.g. '12,5'",
    ),
    "bad timestamp": (
        bad_timestamp,
        r"bad-time\.csv: column lineItem/UsageStartDate .* not a timestamp, e.g. 'yesterday'",
    ),
    "bad JSON map": (bad_json_map, r"bad-tags\.csv: column resource_tags .* not a JSON object"),
    "same delivery twice in one load": (
        same_delivery_twice,
        r"2023-11 of payer 123412340534 is delivered twice",
    ),
    "original and restatement in one load": (
        overlapping_restatement,
        r"restated\.csv share \d+ line identities",
    ),
    "two assemblies of one period": (
        two_assemblies,
        r"2023-11 of payer 123412340534 comes from two deliveries",
    ),
    "incomplete manifest": (incomplete_manifest, r"Delivery a-1 is incomplete: .*report-2\.csv"),
    "other currency for the payer": (other_currency, r"2018-11 of payer 836060457634 is in EUR, but USD"),
    "mixed currencies": (mixed_currencies, r"2023-11 of payer 123412340534 mixes currencies \(CAD, USD\)"),
    "empty file": (empty_file, r"empty\.csv is empty"),
    "header only": (header_only, r"header-only\.csv has no line items"),
    "unknown line item type": (
        unknown_line_item_type,
        r"Unknown line item type 'MysteryFee' \(12 line\(s\)\) in billing period 2023-11 of .*new-type\.csv",
    ),
    "FOCUS file": (focus_file, r"focus\.csv is a FOCUS export .*FOCUS is not supported yet"),
    "zip archive": (zip_archive, r"report\.csv\.zip is a ZIP archive"),
    "missing path": (missing_path, r"nowhere\.csv does not exist"),
    "good restatement with a bad file": (good_restatement_with_a_bad_file, r"bad-number\.csv: column"),
}


@pytest.fixture
def loaded(duckdb_settings: Settings, cur_fixtures_dir: Path) -> Settings:
    """A warehouse that already holds two trimmed real months."""
    load_paths([cur_fixtures_dir / LEGACY_PARQUET, cur_fixtures_dir / LEGACY_CSV], duckdb_settings, progress=False)
    return duckdb_settings


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_load_names_the_problem_and_changes_nothing(
    case: str, loaded: Settings, cur_fixtures_dir: Path, tmp_path: Path, warehouse_snapshot
) -> None:
    build, message = CASES[case]
    folder = tmp_path / "inputs"
    folder.mkdir()
    paths = build(cur_fixtures_dir, folder)
    before = warehouse_snapshot(loaded)
    assert before["raw_cur_line_items"] and before["raw_cur_deliveries"] and before["raw_cur_delivery_totals"]
    with pytest.raises(CurLoadError, match=message):
        load_paths(paths, loaded, progress=False)
    assert warehouse_snapshot(loaded) == before


def test_refused_first_load_creates_no_tables(
    duckdb_settings: Settings, cur_fixtures_dir: Path, tmp_path: Path, warehouse_snapshot
) -> None:
    paths = non_numeric_cost(cur_fixtures_dir, tmp_path)
    with pytest.raises(CurLoadError):
        load_paths(paths, duckdb_settings, progress=False)
    assert warehouse_snapshot(duckdb_settings) == {}


def test_reloading_a_superseded_delivery_is_refused(
    loaded: Settings, cur_fixtures_dir: Path, tmp_path: Path, warehouse_snapshot
) -> None:
    restated = rewrite(
        cur_fixtures_dir / LEGACY_CSV,
        tmp_path / "restated.csv",
        """select * replace (
            cast(cast("lineItem/UnblendedCost" as double) + 1 as varchar) as "lineItem/UnblendedCost"
        ) from src""",
    )
    assert load_paths([restated], loaded, progress=False).deliveries[0].status == "replaced"
    before = warehouse_snapshot(loaded)
    with pytest.raises(CurLoadError, match=r"2023-11 .* was loaded before and replaced by a later one"):
        load_paths([cur_fixtures_dir / LEGACY_CSV], loaded, progress=False)
    assert warehouse_snapshot(loaded) == before
