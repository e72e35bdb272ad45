"""The computed forecasts are the same on DuckDB and Postgres: a small generation replayed week by week on both
engines gives the same vintages, row for row (every baseline and naive forecast row of every vintage, its point
and interval to 1e-9 units).

The replay feeds each vintage's errors back into the next vintages' interval calibration, so a difference in one
step (two near-equal floating values ranked or compared differently, a zero spread that is 1e-16 on one engine)
spreads to every later vintage; the comparison covers all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import raw_query

from cloudcost.forecasts.history import replay_history
from cloudcost.generator import Options, generate
from cloudcost.settings import Settings, load_settings

pytestmark = pytest.mark.slow

SEED = 7
# four weekly steps: each later one reads the earlier ones' vintages (interval calibration)
FIRST_DAY = date(2026, 6, 22)
LAST_DAY = date(2026, 7, 13)
TOLERANCE = 1e-9

VINTAGE_SQL = (
    "select forecast_source, cast(generated_at as date), host_type, target_date, "
    "normalized_units, lower_bound, upper_bound, interval_scale "
    "from snapshots.snp_usage_forecasts "
    "where forecast_source in ('baseline', 'naive_last_value', 'naive_seasonal')"
)


def _replay(data: Path, settings: Settings, target_path: Path) -> dict[tuple, tuple]:
    replay_history(
        data,
        settings,
        start=FIRST_DAY,
        end=LAST_DAY,
        every_days=7,
        reset=True,
        build_marts=False,
        echo=lambda _line: None,
        target_path=target_path,
    )
    rows = _query(settings, VINTAGE_SQL)
    return {tuple(str(value) for value in row[:4]): tuple(row[4:]) for row in rows}


def _query(settings: Settings, sql: str) -> list[tuple]:
    if settings.target != "duckdb":
        return raw_query(settings, sql)
    # not read-only: in-process dbt (dbt-duckdb) may still hold the file open with its default configuration
    con = duckdb.connect(str(settings.duckdb_path))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def vintages(
    tmp_path_factory: pytest.TempPathFactory, postgres_database: Callable[[str], Settings]
) -> dict[str, dict[tuple, tuple]]:
    root = tmp_path_factory.mktemp("engines")
    data = root / "data"
    generate(Options(out=data, flavour="cur2_parquet", rows=6_000, months=3, start=date(2026, 5, 1), seed=SEED))
    duckdb_settings = replace(load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb")
    postgres_settings = postgres_database("forecast_engines_test")
    return {
        "duckdb": _replay(data, duckdb_settings, root / "target_duckdb"),
        "postgres": _replay(data, postgres_settings, root / "target_postgres"),
    }


def _differs(left: object, right: object) -> bool:
    if left is None or right is None:
        return (left is None) != (right is None)
    return abs(float(left) - float(right)) > TOLERANCE  # type: ignore[arg-type]


def test_every_vintage_row_is_the_same_on_both_engines(vintages: dict[str, dict[tuple, tuple]]) -> None:
    duck, postgres = vintages["duckdb"], vintages["postgres"]
    baseline_vintages = {key[1] for key in duck if key[0] == "baseline"}
    assert len(baseline_vintages) == 4
    assert duck.keys() == postgres.keys()
    differing = {key: (duck[key], postgres[key]) for key in duck if any(map(_differs, duck[key], postgres[key]))}
    assert not differing, f"{len(differing)} of {len(duck)} rows differ, e.g. {next(iter(differing.items()))}"
