"""Backtests: forecasts made afterwards as of past dates from an existing warehouse, scored like live vintages.

For each as-of date the history is cut at that date (less an optional simulated delivery lag): the SQL
forecasters (baseline and the naive ones) are rebuilt with ``--vars as_of_date`` and read back, the statistical
models are fitted in Python and checked like a `cloudcost load-forecasts` file. Every row lands in
``raw.raw_forecast_backtests`` under the source ``backtest:<forecaster>`` (``/lagNd`` added under a lag);
``fct_forecast_vintages`` adds them with ``is_backtest`` and ``fct_forecast_accuracy`` scores them. The history
is the warehouse as finally delivered (late credits included): a replaced delivery's lines are not kept, only
its totals per account, service and line item type, which give no usage per host type (the monthly backtest,
``monthly_sql``, uses them for cost as first delivered; replaying earlier deliveries is `cloudcost replay`, for
generated histories).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from cloudcost.dbt_runner import run_dbt
from cloudcost.forecasts.statistical import DailyHistory, model_rows, write_usage_file
from cloudcost.forecasts.validation import read_forecast_file
from cloudcost.input_errors import InputError
from cloudcost.settings import RAW_SCHEMA, Settings
from cloudcost.warehouse import connect, fetch_all

TABLE = "raw_forecast_backtests"
COLUMNS = (
    ("forecast_source", "varchar"),
    ("model_source", "varchar"),
    ("generated_at", "timestamp"),
    ("host_type", "varchar"),
    ("target_date", "date"),
    ("normalized_units", "double precision"),
    ("lower_bound", "double precision"),
    ("upper_bound", "double precision"),
    ("data_lag_days", "integer"),
    ("backtested_at", "timestamp"),
)
MIN_TRAINING_DAYS = 28  # four whole weeks: the least a weekly pattern is learnt from
RECOMMENDED_TRAINING_DAYS = 56  # eight weeks, what the daily forecasters are tuned for
MIN_SCORED_DAYS = 7  # a first as-of date needs a week of actuals after it to be scored
SQL_SOURCES = ("baseline", "naive_last_value", "naive_seasonal")
# the models that depend on the generation date: the computed usage forecasts and what they are made of
STEP_SELECTION = (
    "+int_forecasts__baseline,int_forecasts__as_of+",
    "+int_forecasts__naive_usage,int_forecasts__as_of+",
)
MARTS_SELECTION = ("stg_forecasts__backtest_forecasts+",)


@dataclass
class BacktestPlan:
    days: list[date]
    lag_days: int
    notes: list[str] = field(default_factory=list)


def backtest_source(model: str, lag_days: int) -> str:
    return f"backtest:{model}" + (f"/lag{lag_days}d" if lag_days else "")


def plan_days(
    history: DailyHistory, start: date | None, end: date | None, every_days: int, lag_days: int
) -> BacktestPlan:
    """The as-of dates: from ``start`` (default: eight weeks of training in, or four when the history is
    short) every ``every_days`` to ``end`` (default: a week before the data ends). An InputError says what
    the history lacks."""
    if history.first_day is None or history.last_day is None:
        raise InputError("the warehouse holds no daily usage yet", fix="Load the CUR and run `cloudcost build`.")
    held = (history.last_day - history.first_day).days + 1
    needed = MIN_TRAINING_DAYS + lag_days + MIN_SCORED_DAYS
    if held < needed:
        raise InputError(
            f"a daily backtest needs at least {needed} days of usage history ({MIN_TRAINING_DAYS} days of training, "
            f"{lag_days} of simulated lag, {MIN_SCORED_DAYS} to score); the warehouse holds {held} "
            f"({history.first_day} to {history.last_day})",
            fix="Load more CUR history (8 weeks of training or more is recommended).",
        )
    earliest = history.first_day + timedelta(days=MIN_TRAINING_DAYS + lag_days)
    latest = history.last_day + timedelta(days=1 - MIN_SCORED_DAYS)
    recommended = history.first_day + timedelta(days=RECOMMENDED_TRAINING_DAYS + lag_days)
    start = start or (recommended if recommended <= latest else earliest)
    end = end or latest
    if start < earliest:
        raise InputError(
            f"--from {start} leaves less than {MIN_TRAINING_DAYS} days of training (the history starts "
            f"{history.first_day}{f', lag {lag_days} days' if lag_days else ''})",
            fix=f"Use --from {earliest} or later ({recommended} or later for 8 weeks of training).",
        )
    if end < start:
        raise InputError(f"--to {end} is before --from {start}")
    days = []
    day = start
    while day <= end:
        days.append(day)
        day += timedelta(days=every_days)
    notes = []
    if start < recommended:
        notes.append(f"note: as-of dates before {recommended} train on less than 8 weeks of history")
    if end > latest:
        notes.append(f"note: as-of dates after {latest} have less than a week of actuals to score yet")
    return BacktestPlan(days, lag_days, notes)


def _dbt(args: list[str], settings: Settings, manifest: Any, what: str) -> Any:
    outcome = run_dbt(args, settings, quiet=True, manifest=manifest)
    if not outcome.success:
        detail = "; ".join(
            f"{getattr(getattr(r, 'node', None), 'name', '?')}: {(getattr(r, 'message', '') or '').strip()}"
            for r in outcome.failures()
        )
        raise InputError(f"{what} failed: {detail or outcome.exception or 'see logs/dbt.log'}")
    return outcome.result


def _run_sql_step(settings: Settings, manifest: Any, day: date | None, lag_days: int) -> None:
    variables = {"as_of_date": day.isoformat(), "forecast_data_lag_days": lag_days} if day else {}
    args = ["run", "--select", *STEP_SELECTION, "--no-write-json"]
    if variables:
        args += ["--vars", json.dumps(variables)]
    _dbt(args, settings, manifest, f"the forecasts as of {day}" if day else "restoring the current forecasts")


def _sql_rows(settings: Settings, lag_days: int) -> list[tuple]:
    """The computed usage forecasts the last step built, as backtest rows (without backtested_at)."""
    sql = (
        "select forecast_source, generated_at, host_type, target_date, normalized_units, lower_bound, upper_bound "
        "from intermediate.int_forecasts__baseline union all "
        "select forecast_source, generated_at, host_type, target_date, normalized_units, "
        "cast(null as double precision), cast(null as double precision) from intermediate.int_forecasts__naive_usage"
    )
    rows = fetch_all(settings, sql)
    return [(backtest_source(r[0], lag_days), r[0], *r[1:], lag_days) for r in rows]


def checked_model_rows(rows: Sequence[tuple], folder: Path, hosts: set[str], lag_days: int) -> list[tuple]:
    """Statistical model rows, written as a usage forecast file and checked like `cloudcost load-forecasts`."""
    if not rows:
        return []
    path = write_usage_file(folder / "backtest.csv", rows)
    staging = duckdb.connect()
    try:
        staging.execute("set TimeZone = 'UTC'")
        checked = read_forecast_file(staging, path, 0, hosts)  # InputError on a bad row
        typed = staging.execute(
            f"select forecast_source, generated_at, host_type, target_date, normalized_units, lower_bound, "
            f"upper_bound from {checked.table}"
        ).fetchall()
    finally:
        staging.close()
    return [(backtest_source(r[0], lag_days), *r, lag_days) for r in typed]


def write_rows(settings: Settings, rows: Sequence[tuple]) -> None:
    """Replace the (source, generated_at) vintages of ``rows`` in the backtest table, in one transaction."""
    if not rows:
        return
    now = datetime.now(UTC).replace(tzinfo=None)
    full = [(*row, now) for row in rows]
    vintages = sorted({(row[0], row[2]) for row in rows})
    columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)
    table = f"{RAW_SCHEMA}.{TABLE}"
    marks = ", ".join(["%s"] * len(COLUMNS))
    statements = [f"create schema if not exists {RAW_SCHEMA}", f"create table if not exists {table} ({columns})"]
    delete = f"delete from {table} where forecast_source = %s and generated_at = %s"
    insert = f"insert into {table} values ({marks})"
    with connect(settings) as con:
        if settings.target == "duckdb":
            con.execute("begin transaction")
            for statement in statements:
                con.execute(statement)
            con.executemany(delete.replace("%s", "?"), vintages)
            con.executemany(insert.replace("%s", "?"), full)
            con.execute("commit")
        else:
            from psycopg2.extras import execute_values

            with con.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
                cur.executemany(delete, vintages)
                execute_values(cur, f"insert into {table} values %s", full, page_size=5000)
            con.commit()


def run_backtest(
    settings: Settings,
    history: DailyHistory,
    plan: BacktestPlan,
    models: Sequence[str],
    scratch: Path,
    training_days: int = 112,
    echo: Callable[[str], None] = print,
) -> int:
    """Every as-of date of the plan: SQL forecasters and models, written as backtest vintages; then the
    current forecasts are restored and the forecast marts rebuilt. Returns the rows written."""
    manifest = _dbt(["parse"], settings, None, "dbt parse")
    hosts = set(history.series)
    written = 0
    try:
        for day in plan.days:
            _run_sql_step(settings, manifest, day, plan.lag_days)
            rows = _sql_rows(settings, plan.lag_days)
            for model in models:
                fitted = model_rows(history, model, day, plan.lag_days, training_days)
                rows += checked_model_rows(fitted, scratch, hosts, plan.lag_days)
            write_rows(settings, rows)
            written += len(rows)
            echo(f"backtest: as of {day}: {len(rows)} forecast rows")
    finally:
        _run_sql_step(settings, manifest, None, 0)
    _dbt(["run", "--select", *MARTS_SELECTION, "--no-write-json"], settings, manifest, "the forecast marts")
    return written
