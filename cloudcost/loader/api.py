"""``load_paths``: CUR files or folders into the raw tables, one billing period at a time, atomically.

Order of work: find the files and manifests and recognise the export layouts AWS delivers in
(``layouts``: synced exports are checked as a whole before anything is read); then, per batch, read every file
into a DuckDB staging table in the raw shape, check everything (columns, numbers, line item types, deliveries,
currency), and only then write, in one transaction that replaces each billing period of each payer. A synced
export is loaded one delivery per batch, each period's deliveries oldest first (``delivery_order``); files that
follow no AWS layout are one batch, as they always were. A refused batch leaves the warehouse as the batches
before it left it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import click
import duckdb

from cloudcost.loader.deliveries import PlannedDelivery, plan_deliveries
from cloudcost.loader.delivery_order import ArrivalClock, pending_deliveries, progress_line
from cloudcost.loader.discovery import DataFile, discover
from cloudcost.loader.layouts import plan_layouts
from cloudcost.loader.manifests import group_files
from cloudcost.loader.readable import check_readable as check_paths_readable
from cloudcost.loader.report import LoadReport
from cloudcost.loader.staging import StagedFile, stage_files
from cloudcost.loader.synced_checks import check_columns, check_one_export_per_payer
from cloudcost.loader.target import Target
from cloudcost.resources import apply, duckdb_resources
from cloudcost.settings import Settings, load_settings


def open_target(settings: Settings) -> Target:
    if settings.target == "postgres":
        from cloudcost.loader.postgres_target import PostgresTarget

        return PostgresTarget(settings)
    if settings.target == "spark":
        from cloudcost.loader.spark_target import SparkTarget

        return SparkTarget(settings)
    from cloudcost.loader.duckdb_target import DuckDBTarget

    return DuckDBTarget(settings)


def load_paths(
    paths: Sequence[str | Path],
    settings: Settings | None = None,
    progress: bool = True,
    loaded_at: datetime | None = None,
) -> LoadReport:
    """Load CUR files (legacy CSV/CSV.gz, legacy Parquet, CUR 2.0 CSV/Parquet) or folders of them.

    A folder as ``aws s3 sync`` leaves it loads every billing period's deliveries not loaded yet, oldest first,
    so the newest wins and the earlier ones are recorded as superseded. ``loaded_at`` (naive UTC) is when the
    deliveries arrived in the warehouse; it defaults to now (each batch of one call a little later than the
    one before). Whether a re-delivery came after its period's close is judged by it, so a replay of history
    passes each delivery's own arrival time.

    Raises ``CurLoadError`` (that batch not written) when a file or a delivery cannot be loaded.
    """
    settings = settings or load_settings()
    started = time.perf_counter()
    check_paths_readable(paths)
    found = discover(paths)
    layout = plan_layouts(found)
    headers = list(found.manifest_files)
    report = LoadReport(target=settings.target, notes=list(layout.notes))
    clock = ArrivalClock(loaded_at)
    target = open_target(settings)
    try:
        existing = target.existing_deliveries()
        pending = [(stream, pending_deliveries(stream, existing)) for stream in layout.streams]
        check_columns(target.staging, [f for _, todo in pending for d in todo.to_load for f in d.files], headers)
        check_one_export_per_payer(target.staging, layout.streams)
        if layout.loose_files:
            _load_batch(target, layout.loose_files, layout.loose_manifests, clock.next(), progress, report, headers)
        for stream, todo in pending:
            _say(progress, report, progress_line(stream, todo))
            for delivery in todo.to_load:
                _load_batch(
                    target, list(delivery.files), list(delivery.manifests), clock.next(), progress, report, headers
                )
    finally:
        target.close()
    report.seconds = time.perf_counter() - started
    return report


def _load_batch(
    target: Target,
    data_files: list[DataFile],
    manifest_files: list[Path],
    loaded_at: datetime,
    progress: bool,
    report: LoadReport,
    header_manifests: Sequence[Path] = (),
) -> None:
    """Stage, check and write one batch (at most one delivery per billing period and payer).

    ``header_manifests``: every manifest found, where a header-less Athena text file may find its columns.
    """
    grouping = group_files(data_files, manifest_files)
    staged: list[StagedFile] = stage_files(
        target.staging, data_files, progress=progress, manifests=[*manifest_files, *header_manifests]
    )
    planned: list[PlannedDelivery] = plan_deliveries(target.staging, staged, grouping, target.existing_deliveries())
    target.write(planned, loaded_at, progress=progress)
    report.deliveries += planned
    report.files += [file.path for file in staged]
    report.rows_read += sum(file.row_count for file in staged)
    notes = [*grouping.notes, *(note for file in staged for note in file.plan.notes)]
    report.notes += [note for note in notes if note not in report.notes]


def _say(progress: bool, report: LoadReport, line: str) -> None:
    """Progress per period: on stderr as it happens, else among the notes printed with the summary."""
    if progress:
        click.echo(line, err=True)
    else:
        report.notes.append(line)


def delivery_ids(paths: Sequence[str | Path]) -> dict[tuple[date, str], str]:
    """The delivery id ``load_paths`` gives each (billing period, payer) of these files, computed in memory
    without a warehouse (the generator names deliveries in sign-offs with it)."""
    check_paths_readable(paths)
    found = discover(paths)
    grouping = group_files(found.data_files, found.manifest_files)
    con = duckdb.connect()
    apply(con, duckdb_resources())
    try:
        staged = stage_files(con, found.data_files, progress=False, manifests=found.manifest_files)
        planned = plan_deliveries(con, staged, grouping, [])
    finally:
        con.close()
    return {(d.billing_period, d.payer_account_id): d.delivery_id for d in planned}
