"""Write one delivery's files where AWS would put them, with its manifest, and total it up.

Layout (``OUT`` is ``--out``):

* legacy CSV / legacy Parquet (report ``acme-cur-csv`` / ``acme-cur-parquet``), one folder per delivery
  named by its assembly id, AWS's "create new report version" layout::

    OUT/<report>/<yyyymmdd>-<yyyymmdd>/<assembly-id>/<report>-00001.csv.gz | .snappy.parquet
    OUT/<report>/<yyyymmdd>-<yyyymmdd>/<assembly-id>/<report>-Manifest.json
    OUT/<report>/<yyyymmdd>-<yyyymmdd>/<report>-Manifest.json          (points at the latest delivery)

* CUR 2.0 Parquet (export ``acme-cur2``), Data Exports with "create new file" versions::

    OUT/<export>/data/BILLING_PERIOD=<yyyy-mm>/<yyyymmddThhmmssZ>-<execution-id>/<export>-00001.snappy.parquet
    OUT/<export>/metadata/BILLING_PERIOD=<yyyy-mm>/<yyyymmddThhmmssZ>-<execution-id>/<export>-Manifest.json

A delivery larger than ``rows_per_file`` is split into ``-00002``, ``-00003``… files. Legacy CSV is
gzip-compressed CSV written by DuckDB (quoted only when needed, empty when absent).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .columns import BY_NAME, CUR2_COLUMNS, LEGACY_COLUMNS
from .formats import Converter
from .lines import LINE_TYPES, TemplateRegistry
from .timeline import Period

REPORT_NAMES = {"legacy_csv": "acme-cur-csv", "legacy_parquet": "acme-cur-parquet", "cur2_parquet": "acme-cur2"}
S3_BUCKET = "acme-billing-exports"
S3_PREFIX = "cur"
BATCH_ROWS = 60_000
# min/max statistics only where readers filter (writing them for every column doubles the write time)
STATISTICS_COLUMNS = (
    "line_item_usage_start_date",
    "line_item_usage_end_date",
    "bill_billing_period_start_date",
    "line_item_line_item_type",
    "line_item_usage_account_id",
    "line_item_product_code",
)


@dataclass
class DeliveryPaths:
    folder: Path  # where the data files go
    manifest: Path
    stem: str  # file name stem (<report>)
    period_manifest: Path | None  # legacy: the period-level manifest pointing at the latest delivery


def delivery_paths(out: Path, flavour: str, period: Period, folder_id: str, delivered: datetime) -> DeliveryPaths:
    report = REPORT_NAMES[flavour]
    if flavour == "cur2_parquet":
        stamp = delivered.strftime("%Y%m%dT%H%M%SZ")
        leaf = f"{stamp}-{folder_id}"
        return DeliveryPaths(
            out / report / "data" / f"BILLING_PERIOD={period.label}" / leaf,
            out / report / "metadata" / f"BILLING_PERIOD={period.label}" / leaf / f"{report}-Manifest.json",
            report,
            None,
        )
    span = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    folder = out / report / span / folder_id
    return DeliveryPaths(
        folder, folder / f"{report}-Manifest.json", report, out / report / span / f"{report}-Manifest.json"
    )


@dataclass
class Totals:
    rows: int = 0
    unblended: float = 0.0
    public_on_demand: float = 0.0
    by_invoice_key: dict[str, list[float]] = field(default_factory=dict)  # key -> [unblended, tax, first_start]
    by_line_item_type: dict[str, float] = field(default_factory=dict)

    def add(self, table: pa.Table, registry: TemplateRegistry) -> None:
        self.rows += table.num_rows
        cost = np.nan_to_num(table.column("line_item_unblended_cost").to_numpy())
        self.unblended += float(cost.sum())
        self.public_on_demand += float(np.nan_to_num(table.column("pricing_public_on_demand_cost").to_numpy()).sum())
        tpl = table.column("_tpl").to_numpy()
        key_idx = registry.meta("meta_invoice")[tpl]
        type_idx = registry.meta("meta_line_type")[tpl]
        starts = table.column("line_item_usage_start_date").combine_chunks().cast(pa.int64()).to_numpy()
        is_tax = type_idx == LINE_TYPES.index("Tax")
        for i in np.unique(key_idx):
            mask = key_idx == i
            entry = self.by_invoice_key.setdefault(registry.invoice_keys[i], [0.0, 0.0, float("inf")])
            entry[0] += float(cost[mask].sum())
            entry[1] += float(cost[mask & is_tax].sum())
            entry[2] = min(entry[2], float(starts[mask].min()))
        sums = np.bincount(type_idx, weights=cost, minlength=len(LINE_TYPES))
        for i in np.unique(type_idx):
            name = LINE_TYPES[i]
            self.by_line_item_type[name] = self.by_line_item_type.get(name, 0.0) + float(sums[i])


class DeliveryWriter:
    """Streams one delivery's chunks into its files."""

    def __init__(
        self,
        flavour: str,
        paths: DeliveryPaths,
        converter: Converter,
        invoice_ids: dict[str, str] | None,
        rows_per_file: int,
        scratch: Path,
    ) -> None:
        self.flavour = flavour
        self.paths = paths
        self.converter = converter
        self.invoice_ids = invoice_ids
        self.rows_per_file = rows_per_file
        self.scratch = scratch
        self.totals = Totals()
        self.files: list[Path] = []
        self._writer: pq.ParquetWriter | None = None
        self._rows_in_file = 0
        self._schema: pa.Schema | None = None
        self._csv_parts: list[list[Path]] = []
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        paths.folder.mkdir(parents=True, exist_ok=True)

    def _with_invoice(self, table: pa.Table) -> pa.Table:
        registry = self.converter.registry
        keys = registry.meta("meta_invoice")[table.column("_tpl").to_numpy()]
        if self.invoice_ids is None:
            ids = pa.array([""] * len(registry.invoice_keys), pa.string())
        else:
            ids = pa.array([self.invoice_ids.get(k, "") for k in registry.invoice_keys], pa.string())
        column = pa.DictionaryArray.from_arrays(pa.array(keys), ids)
        return table.set_column(table.schema.get_field_index("bill_invoice_id"), "bill_invoice_id", column)

    def write(self, table: pa.Table) -> None:
        """Buffer a chunk; chunks are converted and written in batches of about BATCH_ROWS lines."""
        if table.num_rows == 0:
            return
        self.totals.add(table, self.converter.registry)
        self._buffer.append(table)
        self._buffered += table.num_rows
        if self._buffered >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        table = self._buffer[0] if len(self._buffer) == 1 else pa.concat_tables(self._buffer).unify_dictionaries()
        self._buffer = []
        self._buffered = 0
        converted = self.converter.convert(self._with_invoice(table))
        if self._schema is None:
            self._schema = converted.schema
        start = 0
        while start < converted.num_rows:
            if self._writer is None or self._rows_in_file >= self.rows_per_file:
                self._roll()
            take = min(converted.num_rows - start, self.rows_per_file - self._rows_in_file)
            piece = converted.slice(start, take)
            assert self._writer is not None and self._schema is not None
            self._writer.write_table(piece.cast(self._schema))
            self._rows_in_file += take
            start += take

    def _roll(self) -> None:
        if self._writer is not None:
            self._writer.close()
        number = len(self.files) + len(self._csv_parts) + 1
        if self.flavour == "legacy_csv":
            part = self.scratch / f"{self.paths.stem}-{id(self)}-{number:05d}.parquet"
            self._csv_parts.append([part])
            target = part
        else:
            target = self.paths.folder / f"{self.paths.stem}-{number:05d}.snappy.parquet"
            self.files.append(target)
        assert self._schema is not None
        stats = [c for c in STATISTICS_COLUMNS if c in self._schema.names]
        self._writer = pq.ParquetWriter(
            target, self._schema, compression="snappy", use_dictionary=True, write_statistics=stats
        )
        self._rows_in_file = 0

    def close(self) -> list[Path]:
        self.flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self.flavour == "legacy_csv":
            with duckdb.connect() as con:
                for i, parts in enumerate(self._csv_parts, start=1):
                    target = self.paths.folder / f"{self.paths.stem}-{i:05d}.csv.gz"
                    sources = ", ".join(f"'{p.as_posix()}'" for p in parts)
                    con.execute(
                        f"copy (select * from read_parquet([{sources}])) to '{target.as_posix()}' "
                        "(header true, compression gzip)"
                    )
                    self.files.append(target)
                    for p in parts:
                        p.unlink()
        return self.files


def _legacy_type(kind: str) -> str:
    return {"num": "OptionalBigDecimal", "numstr": "OptionalString", "ts": "DateTime"}.get(kind, "OptionalString")


def write_manifest(
    flavour: str,
    paths: DeliveryPaths,
    out: Path,
    period: Period,
    folder_id: str,
    payer: str,
    columns: list[str],
    files: list[Path],
    delivered: datetime,
) -> None:
    report = REPORT_NAMES[flavour]
    keys = [f"{S3_PREFIX}/{f.relative_to(out).as_posix()}" for f in files]
    if flavour == "cur2_parquet":
        types = {
            "string": "string",
            "double": "double",
            "timestamp": "timestamp",
            "map": "map<string,string>",
            "map_double": "map<string,double>",
        }
        manifest = {
            "executionId": folder_id,
            "exportArn": f"arn:aws:bcm-data-exports:us-east-1:{payer}:export/{report}-{folder_id[:8]}",
            "columns": [{"name": name, "type": types[kind]} for name, kind in CUR2_COLUMNS],
            "dataFiles": [f"s3://{S3_BUCKET}/{k}" for k in keys],
            "billingPeriod": {
                "start": f"{period.start:%Y-%m-%d}T00:00:00.000Z",
                "end": f"{period.end:%Y-%m-%d}T00:00:00.000Z",
            },
            "deliveryTime": delivered.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
    else:
        by_name = {c.name: c for c in LEGACY_COLUMNS}
        manifest = {
            "assemblyId": folder_id,
            "account": payer,
            "columns": [
                {
                    "category": by_name[n].csv.split("/", 1)[0],
                    "name": by_name[n].csv.split("/", 1)[1],
                    "type": _legacy_type(BY_NAME[n].kind),
                }
                for n in columns
            ],
            "charset": "UTF-8",
            "compression": "GZIP" if flavour == "legacy_csv" else "Parquet",
            "contentType": "text/csv" if flavour == "legacy_csv" else "Parquet",
            "reportId": hashlib.sha256(f"{report}:{payer}".encode()).hexdigest(),
            "reportName": report,
            "billingPeriod": {"start": f"{period.start:%Y%m%d}T000000.000Z", "end": f"{period.end:%Y%m%d}T000000.000Z"},
            "bucket": S3_BUCKET,
            "reportKeys": keys,
            "additionalArtifactKeys": [],
        }
    paths.manifest.parent.mkdir(parents=True, exist_ok=True)
    paths.manifest.write_text(json.dumps(manifest, indent=2) + "\n")


def write_period_manifest(paths: DeliveryPaths) -> None:
    """Legacy exports keep a period-level copy of the latest delivery's manifest."""
    if paths.period_manifest is not None:
        shutil.copyfile(paths.manifest, paths.period_manifest)
