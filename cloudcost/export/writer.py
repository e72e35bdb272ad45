"""Run one bound-parameter query on either engine and stream its rows to a CSV or Parquet file."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from cloudcost.settings import Settings
from cloudcost.warehouse import connect

BATCH_ROWS = 100_000
FORMATS = {".csv": "csv", ".parquet": "parquet"}


def _duckdb_batches(con: Any, sql: str, params: Sequence[Any]) -> Iterator[pa.RecordBatch]:
    reader = con.sql(sql.replace("%s", "?"), params=list(params)).to_arrow_reader(BATCH_ROWS)
    empty = True
    for batch in reader:
        empty = False
        yield batch
    if empty:
        yield pa.RecordBatch.from_pylist([], schema=reader.schema)


def _postgres_batches(con: Any, sql: str, params: Sequence[Any]) -> Iterator[pa.RecordBatch]:
    with con.cursor(name="cloudcost_export") as cursor:  # a server-side cursor: memory stays bounded
        cursor.execute(sql, list(params))
        schema: pa.Schema | None = None
        while rows := cursor.fetchmany(BATCH_ROWS):
            names = [column[0] for column in cursor.description]
            table = pa.Table.from_pylist([dict(zip(names, row, strict=True)) for row in rows], schema=schema)
            schema = schema or table.schema
            yield from table.to_batches()
        if schema is None:
            names = [column[0] for column in cursor.description or []]
            yield pa.RecordBatch.from_pylist([], schema=pa.schema([(name, pa.string()) for name in names]))


def write_query(settings: Settings, sql: str, params: Sequence[Any], out: Path) -> int:
    """Write the query's rows to ``out`` (format from its extension); returns the number of rows."""
    kind = FORMATS[out.suffix.lower()]
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    written = 0
    writer: Any = None
    with connect(settings, read_only=True) as con:
        batches = _postgres_batches if settings.target == "postgres" else _duckdb_batches
        try:
            for batch in batches(con, sql, params):
                if writer is None:
                    writer = (
                        pq.ParquetWriter(partial, batch.schema)
                        if kind == "parquet"
                        else pa_csv.CSVWriter(partial, batch.schema)
                    )
                writer.write_batch(batch)
                written += batch.num_rows
        finally:
            if writer is not None:
                writer.close()
    partial.replace(out)
    return written
