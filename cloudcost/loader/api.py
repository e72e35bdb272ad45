"""``load_paths``: CUR files or folders into the raw tables, one billing period at a time, atomically.

Order of work: find the files and manifests, read every file into a DuckDB staging table in the raw shape,
check everything (columns, numbers, line item types, deliveries, currency), and only then write, in one
transaction that replaces each billing period of each payer. Any error leaves the warehouse as it was.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from cloudcost.loader.deliveries import plan_deliveries
from cloudcost.loader.discovery import discover
from cloudcost.loader.manifests import group_files
from cloudcost.loader.readable import check_readable
from cloudcost.loader.report import LoadReport
from cloudcost.loader.staging import stage_files
from cloudcost.loader.target import Target
from cloudcost.settings import Settings, load_settings


def open_target(settings: Settings) -> Target:
    if settings.target == "postgres":
        from cloudcost.loader.postgres_target import PostgresTarget

        return PostgresTarget(settings)
    from cloudcost.loader.duckdb_target import DuckDBTarget

    return DuckDBTarget(settings)


def load_paths(
    paths: Sequence[str | Path],
    settings: Settings | None = None,
    progress: bool = True,
    loaded_at: datetime | None = None,
) -> LoadReport:
    """Load CUR files (legacy CSV/CSV.gz, legacy Parquet, CUR 2.0 CSV/Parquet) or folders of them.

    ``loaded_at`` (naive UTC) is when the deliveries arrived in the warehouse; it defaults to now. Whether a
    re-delivery came after its period's close is judged by it, so a replay of history passes each
    delivery's own arrival time.

    Raises ``CurLoadError`` (nothing written) when a file or a delivery cannot be loaded.
    """
    settings = settings or load_settings()
    started = time.perf_counter()
    check_readable(paths)
    found = discover(paths)
    grouping = group_files(found.data_files, found.manifest_files)
    target = open_target(settings)
    try:
        staged = stage_files(target.staging, found.data_files, progress=progress, manifests=found.manifest_files)
        planned = plan_deliveries(target.staging, staged, grouping, target.existing_deliveries())
        target.write(planned, loaded_at or datetime.now(UTC).replace(tzinfo=None), progress=progress)
    finally:
        target.close()
    return LoadReport(
        target=settings.target,
        deliveries=planned,
        files=[file.path for file in staged],
        rows_read=sum(file.row_count for file in staged),
        seconds=time.perf_counter() - started,
        notes=[*grouping.notes, *(note for file in staged for note in file.plan.notes)],
    )


def delivery_ids(paths: Sequence[str | Path]) -> dict[tuple[date, str], str]:
    """The delivery id ``load_paths`` gives each (billing period, payer) of these files, computed in memory
    without a warehouse (the generator names deliveries in sign-offs with it)."""
    check_readable(paths)
    found = discover(paths)
    grouping = group_files(found.data_files, found.manifest_files)
    con = duckdb.connect()
    try:
        staged = stage_files(con, found.data_files, progress=False, manifests=found.manifest_files)
        planned = plan_deliveries(con, staged, grouping, [])
    finally:
        con.close()
    return {(d.billing_period, d.payer_account_id): d.delivery_id for d in planned}
