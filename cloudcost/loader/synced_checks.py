"""Checks on a synced export made before its first delivery is written (each delivery is its own transaction).

Every file still to load opens as a CUR with the columns every line needs (a cheap look at each file's columns;
the values are checked as each delivery is read), and no two exports in the folder deliver the same billing
period of the same payer (say a legacy CUR and a CUR 2.0 export of one payer: each would replace the other's
month, so it is refused, as two deliveries of a period in one load always were).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb

from cloudcost.loader.discovery import DataFile
from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.flavour import inspect
from cloudcost.loader.layouts import Stream
from cloudcost.loader.naming import period_label
from cloudcost.loader.normalize import plan_file


def check_columns(
    con: duckdb.DuckDBPyConnection, data_files: Sequence[DataFile], manifests: Sequence[Path] = ()
) -> None:
    """Every pending file has the columns every CUR line needs (``manifests``: where header-less Athena text
    files find their columns)."""
    for index, data_file in enumerate(data_files):
        plan = plan_file(inspect(con, data_file, manifests), index)
        if plan.missing_required:
            raise CurLoadError(
                f"{data_file.path} ({plan.inspected.source_format}) has no column "
                f"{', '.join(plan.missing_required)}, which every CUR line needs."
            )


def check_one_export_per_payer(con: duckdb.DuckDBPyConnection, streams: Sequence[Stream]) -> None:
    by_period: dict[date, list[Stream]] = {}
    for stream in streams:
        by_period.setdefault(stream.period, []).append(stream)
    for period, shared in by_period.items():
        if len(shared) < 2:
            continue
        seen: dict[str, Stream] = {}
        for stream in shared:
            payer = _payer(con, stream.deliveries[-1].files[0])
            if payer in seen:
                raise CurLoadError(
                    f"Billing period {period_label(period)} of payer {payer} is delivered by two exports in this "
                    f"load ({seen[payer].root} and {stream.root}); loading both would double count: load one "
                    "export's folder."
                )
            seen[payer] = stream


def _payer(con: duckdb.DuckDBPyConnection, data_file: DataFile) -> str:
    """The payer of a file's first line (a CUR file holds one payer's lines)."""
    plan = plan_file(inspect(con, data_file), 0)
    row = con.execute(f"select bill_payer_account_id from ({plan.select_sql}) limit 1").fetchone()
    return str(row[0]) if row else ""
