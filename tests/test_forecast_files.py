"""`cloudcost load-forecasts`: forecast files are checked before anything is written, with clear errors.

Each test writes a small forecast CSV and loads it into a scratch DuckDB warehouse whose host-type dimension
(``marts.dim_host_type``, normally built by dbt) names two host types.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from cloudcost.forecasts.command import load_forecasts
from cloudcost.forecasts.loading import ALREADY_LOADED, LOADED, load_forecast_files
from cloudcost.forecasts.validation import ForecastFileError
from cloudcost.settings import Settings

USAGE_HEADER = "source,generated_at,host_type,target_date,normalized_units,lower_bound,upper_bound"
FINANCE_HEADER = (
    "source,generated_at,month,service_code,instance_family,pricing_model,public_on_demand_cost,"
    "expected_discount_rate,net_cost"
)
KNOWN_HOST_TYPES = ("web", "db")


@pytest.fixture
def warehouse(duckdb_settings: Settings) -> Settings:
    duckdb_settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(duckdb_settings.duckdb_path))
    con.execute("create schema marts")
    con.execute("create table marts.dim_host_type (host_type varchar, host_type_source varchar)")
    con.executemany("insert into marts.dim_host_type values (?, 'rule')", [[h] for h in KNOWN_HOST_TYPES])
    con.close()
    return duckdb_settings


def refusal(paths: list[Path], settings: Settings, pattern: str) -> str:
    """Load the files, expect a ForecastFileError whose one-line message matches the pattern; return it."""
    with pytest.raises(ForecastFileError) as raised:
        load_forecast_files(paths, settings)
    message = raised.value.format_message()
    assert re.search(pattern, message), message
    assert "\n" not in message
    return message


def write(folder: Path, name: str, header: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def rows_in(settings: Settings, table: str) -> list[tuple]:
    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    try:
        return con.execute(f"select * exclude (loaded_at) from raw.{table} order by all").fetchall()
    finally:
        con.close()


def table_exists(settings: Settings, table: str) -> bool:
    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    try:
        found = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?",
            [table],
        ).fetchone()
        return bool(found and found[0])
    finally:
        con.close()


GOOD_USAGE = [
    "engineering,2026-05-04T09:00:00Z,web,2026-05-05,10.5,9,12",
    "engineering,2026-05-04T09:00:00Z,web,2026-05-06,11,10,13",
    "engineering,2026-05-04T09:00:00Z,db,2026-05-05,4,,",
]


def test_a_valid_usage_file_is_loaded_with_its_vintage_time_in_utc(warehouse: Settings, tmp_path: Path) -> None:
    path = write(tmp_path, "usage.csv", USAGE_HEADER, GOOD_USAGE)
    report = load_forecast_files([path], warehouse)
    assert [(v.vintage.source, v.vintage.generated_at, v.vintage.row_count, v.status) for v in report.vintages] == [
        ("engineering", datetime(2026, 5, 4, 9, 0), 3, LOADED)
    ]
    rows = rows_in(warehouse, "raw_usage_forecasts")
    assert len(rows) == 3
    assert {row[1] for row in rows} == {datetime(2026, 5, 4, 9, 0)}
    assert ("engineering", datetime(2026, 5, 4, 9, 0), "db", None, None, None) == rows[0][:6]


def test_loading_the_same_vintage_again_changes_nothing(warehouse: Settings, tmp_path: Path) -> None:
    path = write(tmp_path, "usage.csv", USAGE_HEADER, GOOD_USAGE)
    load_forecast_files([path], warehouse)
    before = rows_in(warehouse, "raw_usage_forecasts")
    report = load_forecast_files([path], warehouse)
    assert [v.status for v in report.vintages] == [ALREADY_LOADED]
    assert rows_in(warehouse, "raw_usage_forecasts") == before


def test_a_changed_forecast_with_the_same_generated_at_is_refused(warehouse: Settings, tmp_path: Path) -> None:
    load_forecast_files([write(tmp_path, "usage.csv", USAGE_HEADER, GOOD_USAGE)], warehouse)
    before = rows_in(warehouse, "raw_usage_forecasts")
    changed = [GOOD_USAGE[0].replace(",10.5,", ",10.75,"), *GOOD_USAGE[1:]]
    refusal(
        [write(tmp_path, "resubmitted.csv", USAGE_HEADER, changed)],
        warehouse,
        "already loaded with different rows.*new generated_at",
    )
    assert rows_in(warehouse, "raw_usage_forecasts") == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "engineering,2026-05-04T09:00:00Z,cache,2026-05-05,3,,",
            r"line 2, column host_type, value 'cache': unknown host type",
        ),
        (
            "engineering,2026-05-04T09:00:00Z,web,2026-05-03,3,,",
            r"line 2, column target_date, value '2026-05-03': is before the generation date",
        ),
        (
            "engineering,2026-05-04T09:00:00Z,web,2026-05-05,-1,,",
            r"line 2, column normalized_units, value -1.0: is negative",
        ),
        (
            "engineering,2026-05-04T09:00:00Z,web,2026-05-05,3,4,5",
            r"line 2: the forecast is outside its interval",
        ),
        ("engineering,2026-05-04T09:00:00Z,web,2026-05-05,3,2,", r"line 2: an interval needs both"),
        (
            "engineering,yesterday,web,2026-05-05,3,,",
            r"line 2, column generated_at, value 'yesterday': not a date and time",
        ),
        (
            "engineering,2026-05-04T09:00:00Z,web,05/05/2026,3,,",
            r"line 2, column target_date, value '05/05/2026': not a date",
        ),
        ("engineering,2026-05-04T09:00:00Z,,2026-05-05,3,,", r"line 2, column host_type: is empty"),
        (
            "baseline,2026-05-04T09:00:00Z,web,2026-05-05,3,,",
            r"line 2, column source, value 'baseline': is the name of a forecast",
        ),
    ],
)
def test_bad_usage_rows_are_refused_naming_file_line_and_value(
    warehouse: Settings, tmp_path: Path, row: str, message: str
) -> None:
    path = write(tmp_path, "usage.csv", USAGE_HEADER, [row])
    assert refusal([path], warehouse, message).startswith(f"{path}, line 2")
    assert not table_exists(warehouse, "raw_usage_forecasts")


def test_duplicate_keys_name_both_lines(warehouse: Settings, tmp_path: Path) -> None:
    path = write(tmp_path, "usage.csv", USAGE_HEADER, [*GOOD_USAGE, GOOD_USAGE[1].replace(",11,", ",12,")])
    refusal([path], warehouse, r"line 5: duplicate key: the row repeats line 3: source 'engineering'")


def test_one_bad_file_stops_every_file_of_the_load(warehouse: Settings, tmp_path: Path) -> None:
    good = write(tmp_path, "a.csv", USAGE_HEADER, GOOD_USAGE)
    bad = write(tmp_path, "b.csv", USAGE_HEADER, ["engineering,2026-05-11T09:00:00Z,nope,2026-05-12,1,,"])
    refusal([good, bad], warehouse, "b.csv, line 2, column host_type, value 'nope': unknown host type")
    assert not table_exists(warehouse, "raw_usage_forecasts")


def test_unknown_and_missing_columns_are_named(warehouse: Settings, tmp_path: Path) -> None:
    typo = write(tmp_path, "typo.csv", USAGE_HEADER + ",comment", [GOOD_USAGE[0] + ",hello"])
    refusal([typo], warehouse, "unknown column.*comment")
    missing = write(
        tmp_path, "missing.csv", "source,generated_at,host_type,target_date", ["x,2026-05-04,web,2026-05-05"]
    )
    refusal([missing], warehouse, "not a forecast file")


def test_host_types_cannot_be_checked_before_the_first_build(duckdb_settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path, "usage.csv", USAGE_HEADER, GOOD_USAGE)
    refusal([path], duckdb_settings, "no host types are known yet")
    report = load_forecast_files([path], duckdb_settings, check_host_types=False)
    assert [v.status for v in report.vintages] == [LOADED]


GOOD_FINANCE = [
    "finance,2026-05-20T16:00:00Z,2026-06,AmazonEC2,m5,on_demand,1000.00,0.2500,750.00",
    "finance,2026-05-20T16:00:00Z,2026-06-01,AmazonS3,,on_demand,200,0,200",
]


def test_a_valid_finance_file_is_loaded_with_months_and_default_currency(warehouse: Settings, tmp_path: Path) -> None:
    load_forecast_files([write(tmp_path, "finance.csv", FINANCE_HEADER, GOOD_FINANCE)], warehouse)
    rows = rows_in(warehouse, "raw_finance_forecasts")
    assert [(row[2].isoformat(), row[3], row[4], row[6], row[9]) for row in rows] == [
        ("2026-06-01", "AmazonEC2", "m5", "USD", 750.0),
        ("2026-06-01", "AmazonS3", None, "USD", 200.0),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "finance,2026-05-20T16:00:00Z,2026-06,AmazonEC2,m5,on_demand,1000,0.25,800",
            r"column net_cost, value 800.0: does not equal",
        ),
        (
            "finance,2026-05-20T16:00:00Z,2026-04,AmazonEC2,m5,on_demand,1000,0.25,750",
            r"column month, value '2026-04': ended before",
        ),
        (
            "finance,2026-05-20T16:00:00Z,2026-06,AmazonEC2,m5,ondemand,1000,0.25,750",
            r"column pricing_model, value 'ondemand'",
        ),
        ("finance,2026-05-20T16:00:00Z,2026-06,AmazonEC2,m5,on_demand,1000,1.5,-500", r"negative"),
        (
            "finance,2026-05-20T16:00:00Z,June,AmazonEC2,m5,on_demand,1000,0.25,750",
            r"column month, value 'June': not a month",
        ),
    ],
)
def test_bad_finance_rows_are_refused(warehouse: Settings, tmp_path: Path, row: str, message: str) -> None:
    refusal([write(tmp_path, "finance.csv", FINANCE_HEADER, [row])], warehouse, message)


def test_the_command_reports_errors_without_a_traceback(warehouse: Settings, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CLOUDCOST_DUCKDB_PATH", str(warehouse.duckdb_path))
    bad = write(tmp_path, "usage.csv", USAGE_HEADER, ["engineering,2026-05-04T09:00:00Z,web,2026-05-03,3,,"])
    result = CliRunner().invoke(load_forecasts, ["--target", "duckdb", str(bad)])
    assert result.exit_code == 2
    assert "Error:" in result.output and "is before the generation date" in result.output
    good = write(tmp_path, "good.csv", USAGE_HEADER, GOOD_USAGE)
    result = CliRunner().invoke(load_forecasts, ["--target", "duckdb", str(good)])
    assert result.exit_code == 0, result.output
    assert "loaded: usage forecast 'engineering' generated at 2026-05-04 09:00:00 (3 rows" in result.output
