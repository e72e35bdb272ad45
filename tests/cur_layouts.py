"""Lay small CUR files out the way ``aws s3 sync`` leaves an export, in each of AWS's five layouts.

Paths and manifest fields follow AWS's documentation ("Understanding your report versions" for the legacy CUR,
"Understanding export delivery" for Data Exports / CUR 2.0); CUR 2.0 manifests are the real manifest in
``tests/fixtures/manifests/cur2-2026-04-Manifest.json`` with its execution id and data files replaced. File times are
set explicitly, as ``aws s3 sync`` sets them to the objects' S3 times.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

FIXTURES = Path(__file__).parent / "fixtures" / "cur"
REAL_CUR2_MANIFEST = FIXTURES.parent / "manifests" / "cur2-2026-04-Manifest.json"
BUCKET = "example-billing-bucket"
PREFIX = "cur"


def reader(source: Path) -> str:
    if source.name.endswith(".parquet"):
        return f"read_parquet('{source}')"
    return f"read_csv('{source}', all_varchar = true, header = true)"


def cut(source: Path, target: Path, select: str = "select * from src") -> Path:
    """``with src as (<source file>) <select>`` written as CSV, CSV.gz or Parquet (by the target's suffix)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.name.endswith(".parquet"):
        options = "(format parquet)"
    elif target.name.endswith(".gz"):
        options = "(header, delimiter ',', compression gzip)"
    else:
        options = "(header, delimiter ',')"
    con = duckdb.connect()
    con.execute(f"copy (with src as (select * from {reader(source)}) {select}) to '{target}' {options}")
    con.close()
    return target


def shift_cur2_months(source: Path, target: Path, months: int, extra: str = "") -> Path:
    """A CUR 2.0 CSV moved ``months`` billing periods later (period and usage dates), text kept as AWS writes it."""

    def moved(column: str) -> str:
        return (
            f"strftime(cast({column} as timestamp) + interval ({months}) month, '%Y-%m-%dT%H:%M:%S.000Z') as {column}"
        )

    columns = ("bill_billing_period_start_date", "bill_billing_period_end_date")
    columns += ("line_item_usage_start_date", "line_item_usage_end_date")
    replaced = ", ".join(moved(column) for column in columns)
    return cut(source, target, f"select * replace ({replaced}{extra}) from src")


def set_time(path: Path, when: datetime) -> None:
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))


def shuffle_times(root: Path, seed: int = 7) -> None:
    """Give every file under ``root`` a random time: the load order must not depend on file times."""
    rng = random.Random(seed)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        set_time(path, datetime(2020, 1, 1) + timedelta(seconds=rng.randrange(10**8)))


def _columns(path: Path) -> list[str]:
    con = duckdb.connect()
    names = [row[0] for row in con.execute(f"describe select * from {reader(path)}").fetchall()]
    con.close()
    return names


def _period_span(period: date) -> str:
    end = date(period.year + period.month // 12, period.month % 12 + 1, 1)
    return f"{period:%Y%m%d}-{end:%Y%m%d}"


def _next_month(period: date) -> date:
    return date(period.year + period.month // 12, period.month % 12 + 1, 1)


@dataclass
class Delivered:
    """What one laid-out delivery wrote."""

    files: list[Path]
    manifests: list[Path]
    delivery_id: str


# -- legacy CUR -----------------------------------------------------------------------------------------------
def legacy_manifest(report: str, period: date, assembly: str, keys: list[str], columns: list[str]) -> dict:
    """A legacy CUR manifest with the fields AWS documents for it."""
    return {
        "assemblyId": assembly,
        "account": "123456789012",
        "columns": [
            {"category": name.split("/", 1)[0], "name": name.split("/", 1)[-1], "type": "String"} for name in columns
        ],
        "charset": "UTF-8",
        "compression": "GZIP",
        "contentType": "text/csv",
        "reportId": uuid.uuid5(uuid.NAMESPACE_URL, report).hex,
        "reportName": report,
        "billingPeriod": {
            "start": f"{period:%Y%m%d}T000000.000Z",
            "end": f"{_next_month(period):%Y%m%d}T000000.000Z",
        },
        "bucket": BUCKET,
        "reportKeys": keys,
        "additionalArtifactKeys": [],
    }


def legacy_delivery(
    root: Path,
    report: str,
    period: date,
    sources: list[Path],
    assembly: str | None,
    manifest: bool = True,
    current: bool = True,
) -> Delivered:
    """``<report>/YYYYMMDD-YYYYMMDD/[<assemblyId>/]<report>-<n>.csv.gz`` and its manifests.

    With an assembly id (new version per delivery) the assembly folder gets its manifest and, when ``current``,
    the dated folder gets a copy naming this assembly. Without one (overwrite) the files and the manifest sit in
    the dated folder, replacing what was there.
    """
    dated = root / report / _period_span(period)
    folder = dated / assembly if assembly else dated
    files = []
    for number, source in enumerate(sources, start=1):
        suffix = ".snappy.parquet" if source.name.endswith(".parquet") else ".csv.gz"
        files.append(cut(source, folder / f"{report}-{number}{suffix}"))
    keys = [f"{PREFIX}/{path.relative_to(root).as_posix()}" for path in files]
    assembly_id = assembly or uuid.uuid4().hex
    manifests = []
    if manifest:
        document = json.dumps(legacy_manifest(report, period, assembly_id, keys, _columns(files[0])), indent=2)
        targets = [folder / f"{report}-Manifest.json"]
        if assembly and current:
            targets.append(dated / f"{report}-Manifest.json")
        for target in targets:
            target.write_text(document)
            manifests.append(target)
    return Delivered(files, manifests, assembly_id)


# -- Athena Parquet -------------------------------------------------------------------------------------------
def athena_delivery(root: Path, report: str, period: date, sources: list[Path], status: str = "READY") -> Delivered:
    """``<report>/<report>/year=YYYY/month=M/<report>-0000n.snappy.parquet``, the status table beside it and the
    dated folder's manifest listing the Parquet keys (overwrite: one delivery at a time)."""
    data_root = root / report / report
    folder = data_root / f"year={period.year}" / f"month={period.month}"
    files = [cut(source, folder / f"{report}-{n:05d}.snappy.parquet") for n, source in enumerate(sources, start=1)]
    write_status(data_root, status)
    keys = [f"{PREFIX}/{path.relative_to(root).as_posix()}" for path in files]
    assembly = uuid.uuid4().hex
    document = legacy_manifest(report, period, assembly, keys, _columns(files[0]))
    document.update(compression="Parquet", contentType="Parquet")
    target = root / report / _period_span(period) / f"{report}-Manifest.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, indent=2))
    return Delivered(files, [target], assembly)


def write_status(data_root: Path, status: str) -> Path:
    folder = data_root / "cost_and_usage_data_status"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "cost_and_usage_data_status.parquet"
    con = duckdb.connect()
    con.execute(f"copy (select '{status}' as status) to '{target}' (format parquet)")
    con.close()
    return target


# -- CUR 2.0 / Data Exports -----------------------------------------------------------------------------------
def cur2_folder_name(delivered_at: datetime, execution_id: str) -> str:
    """The delivery folder name AWS uses: the delivery time (ISO, milliseconds, Z) then the execution id."""
    return f"{delivered_at:%Y-%m-%dT%H:%M:%S}.{delivered_at.microsecond // 1000:03d}Z-{execution_id}"


def cur2_delivery(
    root: Path,
    export: str,
    period: date,
    sources: list[Path],
    delivered_at: datetime | None,
    manifest: bool = True,
) -> Delivered:
    """``<export>/data/BILLING_PERIOD=YYYY-MM/[<time>-<executionId>/]<export>-0000n.csv.gz`` and the manifest
    under ``metadata/`` (in a folder of the same name; directly in the period folder when overwriting)."""
    execution_id = str(uuid.uuid4())
    partition = f"BILLING_PERIOD={period:%Y-%m}"
    leaf = cur2_folder_name(delivered_at, execution_id) if delivered_at else None
    data = root / export / "data" / partition
    metadata = root / export / "metadata" / partition
    if leaf:
        data, metadata = data / leaf, metadata / leaf
    files = []
    for number, source in enumerate(sources, start=1):
        suffix = ".snappy.parquet" if source.name.endswith(".parquet") else ".csv.gz"
        files.append(cut(source, data / f"{export}-{number:05d}{suffix}"))
    manifests = []
    if manifest:
        document = json.loads(REAL_CUR2_MANIFEST.read_text())
        document["executionId"] = execution_id
        document["dataFiles"] = [f"s3://{BUCKET}/{PREFIX}/{path.relative_to(root).as_posix()}" for path in files]
        metadata.mkdir(parents=True, exist_ok=True)
        target = metadata / f"{export}-Manifest.json"
        target.write_text(json.dumps(document))
        manifests.append(target)
    return Delivered(files, manifests, execution_id)
