"""Replay generated history into forecast vintages, one replayed day at a time.

For each day: load what the CUR held on that day (the generator's deliveries delivered on or before it), then
build the forecasts as of that day (``--vars as_of_date``) and snapshot them. dbt runs in-process from one
parsed manifest, and each step builds only the models the snapshots need (no tests), so a step costs one
incremental month of CUR plus the small forecast models.

The snapshots only move forward (timestamp strategy on ``generated_at``): replay needs empty snapshots and an
empty raw CUR. ``reset`` empties both first (and the raw rows of the forecast sources it replays); the first
step rebuilds the incremental models from scratch (``--full-refresh``) so no month of an earlier load lingers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cloudcost.dbt_runner import DbtOutcome, run_dbt
from cloudcost.forecasts.loading import forecast_files, load_forecast_files
from cloudcost.settings import RAW_SCHEMA, Settings
from cloudcost.warehouse import Statement, ensure_postgres_database, execute_all, fetch_all

SNAPSHOTS = ("snp_usage_forecasts", "snp_cost_forecasts")
SNAPSHOT_SCHEMA = "snapshots"
RAW_CUR_TABLES = ("raw_cur_line_items", "raw_cur_deliveries", "raw_cur_delivery_totals")
RAW_FORECAST_TABLES = ("raw_usage_forecasts", "raw_finance_forecasts")
STEP_SELECTION = " ".join(f"+{name}" for name in SNAPSHOTS)
# every forecast mart (marts are leaves: fct_forecast_accuracy no longer pulls in the vintages and actuals marts)
FINAL_SELECTION = "+path:models/marts/forecasts"
# replay steps need no artifacts (run results, manifest) written
FAST_FLAGS = ("--no-write-json",)
DEFAULT_WEEKS = 8


class ReplayError(RuntimeError):
    """Replay cannot start or a step failed; the message says which and why."""


@dataclass
class ReplayStep:
    day: date
    deliveries_loaded: int
    seconds: float


@dataclass
class ReplaySummary:
    steps: list[ReplayStep] = field(default_factory=list)
    vintages: dict[str, int] = field(default_factory=dict)  # source -> vintages in the snapshots
    seconds: float = 0.0

    def describe(self) -> str:
        lines = [
            f"replayed {len(self.steps)} day(s) from {self.steps[0].day} to {self.steps[-1].day} "
            f"in {self.seconds:.0f} s"
            if self.steps
            else "replayed nothing"
        ]
        lines += [f"  {source}: {count} vintage(s)" for source, count in sorted(self.vintages.items())]
        return "\n".join(lines)


def replay_days(start: date, end: date, every_days: int) -> list[date]:
    """start, start + every, … up to end, and end itself (so the replay ends on what the CUR holds last)."""
    if every_days < 1:
        raise ReplayError("--every must be at least one day")
    if end < start:
        raise ReplayError(f"--to {end} is before --from {start}")
    days = []
    day = start
    while day <= end:
        days.append(day)
        day += timedelta(days=every_days)
    if days[-1] != end:
        days.append(end)
    return days


def default_range(data_dir: Path) -> tuple[date, date]:
    """The last 8 weeks of deliveries (9 weekly steps: 8 vintages and one more), not before the first
    month-to-date delivery, ending on the last delivery."""
    from cloudcost.generator import deliveries

    planned = deliveries(data_dir)
    if not planned:
        raise ReplayError(f"{data_dir}: the generation lists no deliveries")
    end = max(d.delivered_on for d in planned)
    month_to_date = [d.delivered_on for d in planned if d.kind == "month_to_date"]
    first = min(month_to_date) if month_to_date else min(d.delivered_on for d in planned)
    return max(first, end - timedelta(weeks=DEFAULT_WEEKS)), end


def _existing_tables(settings: Settings, schema: str, tables: Sequence[str]) -> list[str]:
    marks = ", ".join(["%s"] * len(tables))
    sql = f"select table_name from information_schema.tables where table_schema = %s and table_name in ({marks})"
    return sorted(row[0] for row in fetch_all(settings, sql, [schema, *tables]))


def _row_count(settings: Settings, relation: str) -> int:
    return int(fetch_all(settings, f"select count(*) from {relation}")[0][0])


def check_can_replay(settings: Settings) -> None:
    """Replay starts from empty snapshots and an empty raw CUR; say what is in the way otherwise."""
    for table in _existing_tables(settings, SNAPSHOT_SCHEMA, SNAPSHOTS):
        if _row_count(settings, f"{SNAPSHOT_SCHEMA}.{table}"):
            raise ReplayError(
                f"{SNAPSHOT_SCHEMA}.{table} already holds forecast vintages. Snapshots only move forward, so "
                "replaying earlier days would record nothing and close newer rows: replay runs forward from "
                "empty snapshots. Pass --reset to empty them (and the raw CUR) first."
            )
    if "raw_cur_deliveries" in _existing_tables(settings, RAW_SCHEMA, RAW_CUR_TABLES) and _row_count(
        settings, f"{RAW_SCHEMA}.raw_cur_deliveries"
    ):
        raise ReplayError(
            "the warehouse already holds CUR deliveries; replay loads the generated deliveries day by day "
            "from an empty raw CUR. Pass --reset to empty it (and the forecast snapshots) first."
        )


def reset_warehouse(settings: Settings, forecast_sources: Sequence[str]) -> None:
    """Drop the forecast snapshots, empty the raw CUR tables and remove the replayed sources' forecasts."""
    if settings.target == "spark":
        reset_spark_warehouse(settings, forecast_sources)
        return
    # Postgres refuses to drop a table a view depends on; whichever views read the snapshots (none today, but a
    # model's materialization can change) go with them, and the next build creates them again
    cascade = " cascade" if settings.target == "postgres" else ""
    statements: list[Statement] = [f"drop table if exists {SNAPSHOT_SCHEMA}.{name}{cascade}" for name in SNAPSHOTS]
    statements += [f"delete from {RAW_SCHEMA}.{t}" for t in _existing_tables(settings, RAW_SCHEMA, RAW_CUR_TABLES)]
    if forecast_sources:
        sources = sorted(set(forecast_sources))
        marks = ", ".join(["%s"] * len(sources))
        statements += [
            (f"delete from {RAW_SCHEMA}.{table} where forecast_source in ({marks})", sources)
            for table in _existing_tables(settings, RAW_SCHEMA, RAW_FORECAST_TABLES)
        ]
    execute_all(settings, statements)


def reset_spark_warehouse(settings: Settings, forecast_sources: Sequence[str]) -> None:
    """`reset_warehouse` on Spark: the raw CUR's Parquet folders removed, the sources' forecasts deleted from
    their Parquet files, and the snapshots and the raw CUR tables dropped from the catalog."""
    import shutil

    from cloudcost.forecasts.store import delete_sources
    from cloudcost.loader.spark_target import hold_raw_lock, raw_folder

    raw = raw_folder(settings)
    lock = hold_raw_lock(raw, settings)
    try:
        for table in RAW_CUR_TABLES:
            shutil.rmtree(raw / table, ignore_errors=True)
    finally:
        lock.release()
    delete_sources(settings, forecast_sources)
    relations = [f"{SNAPSHOT_SCHEMA}.{name}" for name in SNAPSHOTS]
    relations += [f"{RAW_SCHEMA}.{table}" for table in RAW_CUR_TABLES]
    _dbt(
        ["run-operation", "cloudcost_drop_tables", "--args", json.dumps({"relations": relations})],
        settings,
        None,
        "dropping the snapshots and the raw CUR tables",
    )


def _forecast_sources(paths: Sequence[Path]) -> list[str]:
    import duckdb

    sources: set[str] = set()
    for path in paths:
        rows = duckdb.sql(
            f"select distinct lower(trim(source)) from read_csv('{path}', all_varchar = true, header = true)"
        ).fetchall()
        sources |= {row[0] for row in rows if row[0]}
    return sorted(sources)


def _dbt(args: list[str], settings: Settings, manifest: Any, what: str, target_path: Path | None = None) -> DbtOutcome:
    outcome = run_dbt(args, settings, target_path=target_path, quiet=True, manifest=manifest)
    if not outcome.success:
        failures = [
            f"{getattr(getattr(r, 'node', None), 'name', '?')}: {(getattr(r, 'message', '') or '').strip()}"
            for r in outcome.failures()
        ]
        detail = "; ".join(failures) or str(outcome.exception or "see logs/dbt.log")
        raise ReplayError(f"{what} failed: {detail}")
    return outcome


def vintages_per_source(settings: Settings) -> dict[str, int]:
    """'source (usage|cost)' -> number of vintages (distinct generated_at) the snapshots hold."""
    kinds = {"snp_usage_forecasts": "usage", "snp_cost_forecasts": "cost"}
    counts: dict[str, int] = {}
    for table in _existing_tables(settings, SNAPSHOT_SCHEMA, SNAPSHOTS):
        sql = (
            f"select forecast_source, count(distinct generated_at) from {SNAPSHOT_SCHEMA}.{table} "
            "group by forecast_source"
        )
        rows = fetch_all(settings, sql)
        for source, count in rows:
            counts[f"{source} ({kinds[table]})"] = int(count)
    return counts


def replay_history(
    data_dir: Path,
    settings: Settings,
    start: date | None = None,
    end: date | None = None,
    every_days: int = 7,
    reset: bool = False,
    build_marts: bool = True,
    seed: bool = True,
    echo: Callable[[str], None] = print,
    target_path: Path | None = None,
) -> ReplaySummary:
    """Replay the generation in ``data_dir`` day by day into the forecast snapshots (see the module doc).

    ``seed=False`` skips `dbt seed` (when the caller has just seeded); ``build_marts=False`` leaves the
    forecast marts to a following `dbt build`.
    """
    from cloudcost.generator import deliveries_as_of
    from cloudcost.loader.api import load_paths

    started = time.perf_counter()
    if settings.company_dir is None and (data_dir / "company" / "cloudcost.yml").is_file():
        # a generated history is the demo company's: its company folder is written beside it
        settings = replace(settings, company_dir=(data_dir / "company").resolve())
        echo(f"replay: using the generated company folder {settings.company_dir}")
    if settings.target == "postgres":
        ensure_postgres_database(settings)
    if start is None or end is None:
        default_start, default_end = default_range(data_dir)
        start, end = start or default_start, end or default_end
    days = replay_days(start, end, every_days)
    files = forecast_files([data_dir / "forecasts"]) if (data_dir / "forecasts").is_dir() else []
    if reset:
        reset_warehouse(settings, _forecast_sources(files))
    else:
        check_can_replay(settings)
    if files:
        report = load_forecast_files(files, settings, check_host_types=False)
        echo(f"replay: {sum(1 for v in report.vintages if v.status == 'loaded')} forecast vintage(s) loaded")

    manifest = _dbt(["parse"], settings, None, "dbt parse", target_path).result
    if seed:
        _dbt(["seed", *FAST_FLAGS], settings, manifest, "dbt seed", target_path)
    summary = ReplaySummary()
    loaded: set[Path] = set()
    for index, day in enumerate(days):
        step_started = time.perf_counter()
        # what arrived since the last step, in arrival order, each stamped with its own arrival time (a
        # re-delivery after a period's close must look like one, not like everything arrived today)
        new = [delivery for delivery in deliveries_as_of(data_dir, day) if delivery.path not in loaded]
        for delivery in sorted(new, key=lambda delivery: delivery.sequence):
            load_paths([delivery.path], settings, progress=False, loaded_at=delivery.delivered_at)
            loaded.add(delivery.path)
        last = index == len(days) - 1
        selection = f"{STEP_SELECTION} {FINAL_SELECTION}" if last and build_marts else STEP_SELECTION
        # the first step rebuilds the incremental models from the raw CUR: a month that is not loaded yet
        # (or was loaded by an earlier replay) must not linger in them
        refresh = ["--full-refresh"] if index == 0 else []
        _dbt(
            [
                "build",
                "--select",
                *selection.split(),
                "--resource-type",
                "model",
                "--resource-type",
                "snapshot",
                "--vars",
                json.dumps({"as_of_date": day.isoformat()}),
                *refresh,
                *FAST_FLAGS,
            ],
            settings,
            manifest,
            f"replay of {day}",
            target_path,
        )
        step = ReplayStep(day=day, deliveries_loaded=len(new), seconds=time.perf_counter() - step_started)
        summary.steps.append(step)
        echo(f"replay: {day} ({len(new)} new deliveries) in {step.seconds:.1f} s")
    summary.vintages = vintages_per_source(settings)
    summary.seconds = time.perf_counter() - started
    return summary
