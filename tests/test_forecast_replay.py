"""Replay of generated history into forecast vintages, on a small generation replayed in three steps.

Covers: snapshot behaviour (a newer vintage closes the older row of the same target at the newer vintage's
own generated_at; targets that drop out are closed, never deleted), vintage times taken from generated_at,
horizon arithmetic, accuracy figures for every horizon bucket, the dbt unit tests of the forecast models
(hand-made numbers), and determinism: the same seed gives the same accuracy table, also when the replay is run
again (--reset) over a warehouse that already holds a replay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from cloudcost.dbt_runner import run_dbt
from cloudcost.forecasts.history import ReplayError, ReplaySummary, replay_history
from cloudcost.generator import Options, generate
from cloudcost.settings import Settings, load_settings

pytestmark = pytest.mark.slow

SEED = 11
START_MONTH = date(2026, 5, 1)
# three steps 24 days apart (their 35-day forecasts overlap): 2026-06-08 (a month-to-date delivery day),
# 2026-07-02 (before July's first delivery: a replay rerun must not see the July of an earlier replay), then
# the last delivery (data through 2026-07-20)
FIRST_DAY = date(2026, 6, 8)
EVERY_DAYS = 24
LAST_DAY = date(2026, 7, 21)
VINTAGES = (datetime(2026, 6, 8), datetime(2026, 7, 2), datetime(2026, 7, 21))


def _generate(out: Path) -> Path:
    generate(Options(out=out, flavour="cur2_parquet", rows=6_000, months=3, start=START_MONTH, seed=SEED))
    return out


ACCURACY_SQL = (
    "select forecast_source, forecast_grain, grain_member, measure, horizon_bucket, forecast_month, "
    "n_points, n_points_with_interval, wape, bias, mape, interval_coverage "
    "from marts.fct_forecast_accuracy order by all"
)


@dataclass
class Replayed:
    settings: Settings
    data: Path
    summary: ReplaySummary
    accuracy: list[list[tuple]]  # the accuracy table after each replay


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Replayed:
    """The same seed generated twice, both replayed into one warehouse: the second with --reset over the first,
    whose later months must not linger in the incremental models."""
    root = tmp_path_factory.mktemp("replay")
    settings = replace(load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb")
    accuracy = []
    for name in ("first", "second"):
        data = _generate(root / name)
        summary = replay_history(
            data,
            settings,
            start=FIRST_DAY,
            end=LAST_DAY,
            every_days=EVERY_DAYS,
            reset=name == "second",
            echo=lambda _line: None,
            target_path=root / "target",
        )
        accuracy.append(query(settings, ACCURACY_SQL))
    return Replayed(settings=settings, data=data, summary=summary, accuracy=accuracy)


def query(settings: Settings, sql: str) -> list[tuple]:
    # not read-only: in-process dbt (dbt-duckdb) may still hold the file open with its default configuration
    con = duckdb.connect(str(settings.duckdb_path))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def submitted_vintages_seen(data: Path, file: str) -> int:
    """How many distinct vintages of a generated forecast file the replay steps see (the latest on each day)."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    times = [
        row[0]
        for row in con.execute(
            f"select distinct cast(cast(generated_at as timestamptz) as timestamp) from read_csv('{data / file}')"
        ).fetchall()
    ]
    seen = {max((t for t in times if t.date() <= day.date()), default=None) for day in VINTAGES}
    return len(seen - {None})


def test_each_step_records_one_vintage_per_source(replayed: Replayed) -> None:
    settings, summary = replayed.settings, replayed.summary
    assert [step.day for step in summary.steps] == [v.date() for v in VINTAGES]
    per_source = dict(
        query(
            settings,
            "select forecast_source || '/' || forecast_kind, count(distinct generated_at) "
            "from marts.fct_forecast_vintages group by all",
        )
    )
    data = replayed.data / "forecasts"
    assert per_source == {
        "baseline/usage": 3,
        "naive_last_value/usage": 3,
        "naive_seasonal/usage": 3,
        "month_end_projection/cost": 3,
        "naive_last_value/cost": 3,
        "engineering/usage": submitted_vintages_seen(data, "usage_forecasts.csv"),
        "finance/cost": submitted_vintages_seen(data, "finance_forecasts.csv"),
    }
    assert per_source["engineering/usage"] == 3


def test_a_newer_vintage_closes_the_older_row_and_nothing_is_deleted(
    replayed: Replayed,
) -> None:
    settings = replayed.settings
    rows = query(
        settings,
        "select forecast_key, host_type, generated_at, target_date, dbt_valid_from, dbt_valid_to "
        "from snapshots.snp_usage_forecasts where forecast_source = 'baseline'",
    )
    by_vintage: dict[datetime, dict[str, tuple]] = {vintage: {} for vintage in VINTAGES}
    host_types: dict[datetime, set[str]] = {vintage: set() for vintage in VINTAGES}
    for key, host_type, generated_at, target, valid_from, valid_to in rows:
        assert valid_from == generated_at  # recorded at the row's own generation time, not wall-clock
        by_vintage[generated_at][key] = (target, valid_to)
        host_types[generated_at].add(host_type)
    # every vintage complete (35 targets per host type): nothing was deleted
    for vintage in VINTAGES:
        assert len(by_vintage[vintage]) == 35 * len(host_types[vintage]) > 0
    assert len(rows) == sum(len(keys) for keys in by_vintage.values())
    for older, newer in zip(VINTAGES, VINTAGES[1:], strict=False):
        both = by_vintage[older].keys() & by_vintage[newer].keys()
        assert both, "consecutive vintages forecast some of the same targets"
        for key in both:  # forecast again by the newer vintage: closed at the newer vintage's own time
            assert by_vintage[older][key][1] == newer
        for key, (target, valid_to) in by_vintage[older].items():
            if key not in both:  # no longer forecast (its day came): closed, still kept
                assert target <= newer.date() and valid_to is not None
    assert all(valid_to is None for _, valid_to in by_vintage[VINTAGES[-1]].values())


def test_submitted_vintages_keep_their_own_generation_time_and_horizons(
    replayed: Replayed,
) -> None:
    settings = replayed.settings
    vintages = query(
        settings,
        "select distinct generated_at from marts.fct_forecast_vintages where forecast_source = 'engineering' "
        "order by 1",
    )
    assert [row[0] for row in vintages] == [
        datetime(2026, 6, 8, 9),
        datetime(2026, 6, 29, 9),
        datetime(2026, 7, 20, 9),
    ]
    wrong = query(
        settings,
        "select count(*) from marts.fct_forecast_vintages "
        "where horizon_days <> target_date - cast(generated_at as date)",
    )
    assert wrong == [(0,)]
    # Finance's monthly forecast for July: each vintage's horizon runs from its own Monday to July's last day
    finance = query(
        settings,
        "select generated_at, min(horizon_days), max(horizon_bucket) from marts.fct_forecast_vintages "
        "where forecast_source = 'finance' and forecast_month = date '2026-07-01' group by 1 order by 1",
    )
    assert finance
    for generated_at, horizon, bucket in finance:
        assert (generated_at.weekday(), generated_at.hour) == (0, 16)  # submitted on Mondays, 16:00 UTC
        assert horizon == (date(2026, 7, 31) - generated_at.date()).days
        assert (bucket == "36+") == (horizon > 35)


def test_accuracy_has_figures_for_every_horizon_bucket(replayed: Replayed) -> None:
    settings = replayed.settings
    buckets = query(
        settings,
        "select horizon_bucket, sum(n_points), sum(sum_absolute_error) / sum(sum_actual) "
        "from marts.fct_forecast_accuracy where forecast_source = 'baseline' and grain_member = '(all)' "
        "group by 1 order by 1",
    )
    assert [row[0] for row in buckets] == ["1-7", "15-28", "29-35", "8-14"]
    assert all(points > 0 and 0 <= wape < 1 for _, points, wape in buckets)


def test_forecast_unit_tests_pass(replayed: Replayed, tmp_path: Path) -> None:
    settings = replayed.settings
    models = (
        "fct_forecast_accuracy",
        "int_forecasts__vintages",  # the vintages mart publishes it unchanged
        "int_forecasts__naive_usage",
        "int_forecasts__baseline",
    )
    outcome = run_dbt(
        ["test", "--select", *(f"{model},test_type:unit" for model in models)],
        settings,
        target_path=tmp_path / "target",
        quiet=True,
    )
    assert outcome.success, [getattr(r, "message", r) for r in outcome.failures()]
    ran = [result.node.name for result in outcome.results if result.node.resource_type == "unit_test"]
    assert sorted(ran) == sorted(unit_tests_of(models))  # the run's on-run-start hook is a result too


def unit_tests_of(models: tuple[str, ...]) -> list[str]:
    """The names of the unit tests the project's yml files define for these models."""
    import yaml

    from cloudcost.settings import PROJECT_ROOT

    names = []
    for path in sorted((PROJECT_ROOT / "models").rglob("*.yml")):
        for test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests", []) or []:
            if test.get("model") in models:
                names.append(test["name"])
    return names


def test_the_same_seed_gives_the_same_accuracy_table(replayed: Replayed) -> None:
    first, second = replayed.accuracy
    assert len(first) > 50
    assert [row[:8] for row in first] == [row[:8] for row in second]
    # the figures agree to summation order (the engine adds in parallel)
    for one, other in zip(first, second, strict=True):
        for value, again in zip(one[8:], other[8:], strict=True):
            assert (value is None and again is None) or value == pytest.approx(again, rel=1e-9, abs=1e-12), one


def test_replay_refuses_snapshots_that_already_hold_vintages(replayed: Replayed, tmp_path: Path) -> None:
    settings = replayed.settings
    data = tmp_path / "data"
    data.mkdir()
    (data / "generation.json").write_text('{"schema_version": 1, "deliveries": []}')
    with pytest.raises(ReplayError, match="--reset"):
        replay_history(data, settings, start=FIRST_DAY, end=LAST_DAY, echo=lambda _line: None)
    assert query(settings, "select count(*) from snapshots.snp_usage_forecasts")[0][0] > 0


@pytest.mark.postgres
def test_reset_drops_the_snapshots_and_what_reads_them_on_postgres(
    postgres_database: Callable[[str], Settings],
) -> None:
    """--reset over a warehouse an earlier build left: a view reading a snapshot goes with it (Postgres refuses to
    drop a table a view depends on), and a model that changed from view to table is left to the next build."""
    from cloudcost.forecasts.history import reset_warehouse
    from cloudcost.warehouse import execute_all, fetch_all

    settings = postgres_database("cloudcost_replay_reset_test")
    execute_all(
        settings,
        [
            "drop schema if exists snapshots cascade",
            "drop schema if exists intermediate cascade",
            "create schema snapshots",
            "create schema intermediate",
            "create table snapshots.snp_usage_forecasts (forecast_key text)",
            "create table snapshots.snp_cost_forecasts (forecast_key text)",
            "create view intermediate.reads_the_usage_snapshot as select * from snapshots.snp_usage_forecasts",
            "create table intermediate.int_forecasts__interval_calibration (forecast_key text)",
        ],
    )
    reset_warehouse(settings, [])
    left = fetch_all(
        settings,
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema in ('snapshots', 'intermediate') order by 1",
    )
    assert left == [("intermediate.int_forecasts__interval_calibration",)]
