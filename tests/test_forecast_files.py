"""`cloudcost load-forecasts`: forecast files are checked before anything is written, with clear errors.

Each test writes a small forecast CSV and loads it into a scratch DuckDB warehouse whose host-type dimension
(``marts.dim_host_type``, normally built by dbt) names two host types.
"""

from __future__ import annotations

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
    with pytest.raises(ForecastFileError, match="already loaded with different rows.*new generated_at"):
        load_forecast_files([write(tmp_path, "resubmitted.csv", USAGE_HEADER, changed)], warehouse)
    assert rows_in(warehouse, "raw_usage_forecasts") == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("engineering,2026-05-04T09:00:00Z,cache,2026-05-05,3,,", r"line 2: unknown host type 'cache'"),
        ("engineering,2026-05-04T09:00:00Z,web,2026-05-03,3,,", r"line 2: target_date 2026-05-03 is before"),
        (
            "engineering,2026-05-04T09:00:00Z,web,2026-05-05,-1,,",
            r"line 2: normalized_units -1.0 is negative",
        ),
        (
            "engineering,2026-05-04T09:00:00Z,web,2026-05-05,3,4,5",
            r"line 2: the forecast is outside its interval",
        ),
        ("engineering,2026-05-04T09:00:00Z,web,2026-05-05,3,2,", r"line 2: an interval needs both"),
        (
            "engineering,yesterday,web,2026-05-05,3,,",
            r"line 2: generated_at 'yesterday' is not a date and time",
        ),
        (
            "engineering,2026-05-04T09:00:00Z,web,05/05/2026,3,,",
            r"line 2: target_date '05/05/2026' is not a date",
        ),
        ("engineering,2026-05-04T09:00:00Z,,2026-05-05,3,,", r"line 2: host_type is empty"),
        (
            "baseline,2026-05-04T09:00:00Z,web,2026-05-05,3,,",
            r"line 2: source 'baseline' is the name of a forecast",
        ),
    ],
)
def test_bad_usage_rows_are_refused_naming_file_line_and_value(
    warehouse: Settings, tmp_path: Path, row: str, message: str
) -> None:
    path = write(tmp_path, "usage.csv", USAGE_HEADER, [row])
    with pytest.raises(ForecastFileError, match=message) as raised:
        load_forecast_files([path], warehouse)
    assert str(path) in str(raised.value)
    assert not table_exists(warehouse, "raw_usage_forecasts")


def test_duplicate_keys_name_both_lines(warehouse: Settings, tmp_path: Path) -> None:
    path = write(tmp_path, "usage.csv", USAGE_HEADER, [*GOOD_USAGE, GOOD_USAGE[1].replace(",11,", ",12,")])
    with pytest.raises(ForecastFileError, match=r"lines 3 and 5: duplicate key: source 'engineering'"):
        load_forecast_files([path], warehouse)


def test_one_bad_file_stops_every_file_of_the_load(warehouse: Settings, tmp_path: Path) -> None:
    good = write(tmp_path, "a.csv", USAGE_HEADER, GOOD_USAGE)
    bad = write(tmp_path, "b.csv", USAGE_HEADER, ["engineering,2026-05-11T09:00:00Z,nope,2026-05-12,1,,"])
    with pytest.raises(ForecastFileError, match="unknown host type 'nope'"):
        load_forecast_files([good, bad], warehouse)
    assert not table_exists(warehouse, "raw_usage_forecasts")


def test_unknown_and_missing_columns_are_named(warehouse: Settings, tmp_path: Path) -> None:
    typo = write(tmp_path, "typo.csv", USAGE_HEADER + ",comment", [GOOD_USAGE[0] + ",hello"])
    with pytest.raises(ForecastFileError, match="unknown column.*comment"):
        load_forecast_files([typo], warehouse)
    missing = write(
        tmp_path, "missing.csv", "source,generated_at,host_type,target_date", ["x,2026-05-04,web,2026-05-05"]
    )
    with pytest.raises(ForecastFileError, match="not a forecast file"):
        load_forecast_files([missing], warehouse)


def test_host_types_cannot_be_checked_before_the_first_build(duckdb_settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path, "usage.csv", USAGE_HEADER, GOOD_USAGE)
    with pytest.raises(ForecastFileError, match="no host types are known yet"):
        load_forecast_files([path], duckdb_settings)
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
            r"net_cost 800.0 does not equal",
        ),
        (
            "finance,2026-05-20T16:00:00Z,2026-04,AmazonEC2,m5,on_demand,1000,0.25,750",
            r"month 2026-04 ended before",
        ),
        (
            "finance,2026-05-20T16:00:00Z,2026-06,AmazonEC2,m5,ondemand,1000,0.25,750",
            r"pricing_model 'ondemand'",
        ),
        ("finance,2026-05-20T16:00:00Z,2026-06,AmazonEC2,m5,on_demand,1000,1.5,-500", r"negative"),
        (
            "finance,2026-05-20T16:00:00Z,June,AmazonEC2,m5,on_demand,1000,0.25,750",
            r"month 'June' is not a month",
        ),
    ],
)
def test_bad_finance_rows_are_refused(warehouse: Settings, tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(ForecastFileError, match=message):
        load_forecast_files([write(tmp_path, "finance.csv", FINANCE_HEADER, [row])], warehouse)


def test_the_command_reports_errors_without_a_traceback(warehouse: Settings, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CLOUDCOST_DUCKDB_PATH", str(warehouse.duckdb_path))
    bad = write(tmp_path, "usage.csv", USAGE_HEADER, ["engineering,2026-05-04T09:00:00Z,web,2026-05-03,3,,"])
    result = CliRunner().invoke(load_forecasts, ["--target", "duckdb", str(bad)])
    assert result.exit_code == 1
    assert "Error:" in result.output and "is before the generation date" in result.output
    good = write(tmp_path, "good.csv", USAGE_HEADER, GOOD_USAGE)
    result = CliRunner().invoke(load_forecasts, ["--target", "duckdb", str(good)])
    assert result.exit_code == 0, result.output
    assert "loaded: usage forecast 'engineering' generated at 2026-05-04 09:00:00 (3 rows" in result.output
