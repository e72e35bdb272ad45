"""Read every file with DuckDB into one staging table in the raw shape (nothing touches the warehouse)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
from tqdm import tqdm

from cloudcost.loader.discovery import DataFile
from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.flavour import first_line, inspect
from cloudcost.loader.normalize import FilePlan, diagnose_sql, plan_file
from cloudcost.schema import CUR_COLUMNS, SQL_TYPES

STAGED_LINES = "cloudcost_load_lines"
# The staging table of a big load is larger than memory: DuckDB spills it to disk past this share of RAM
# (its own default, 80 %, starves everything else on a shared machine).
MEMORY_SHARE = 0.25
MIN_MEMORY_BYTES = 2 << 30


@dataclass(frozen=True)
class StagedFile:
    plan: FilePlan
    row_count: int

    @property
    def path(self) -> str:
        return str(self.plan.inspected.data_file.path)

    @property
    def source_format(self) -> str:
        return self.plan.inspected.source_format


def staged_table_sql() -> str:
    types = SQL_TYPES["duckdb"]
    columns = [f"{column.name} {types[column.type]}" for column in CUR_COLUMNS]
    columns += ["source_file VARCHAR", "source_format VARCHAR", "source_file_index INTEGER"]
    return f"create or replace temp table {STAGED_LINES} (\n  " + ",\n  ".join(columns) + "\n)"


def stage_files(
    con: duckdb.DuckDBPyConnection,
    data_files: Sequence[DataFile],
    progress: bool = True,
    manifests: Sequence[Path] = (),
) -> list[StagedFile]:
    """Inspect, plan and read each file into the temp table ``cloudcost_load_lines``.

    Every file is checked before anything is read: readable, a CUR flavour we know, required columns there.
    """
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"set memory_limit = '{memory_limit_bytes() // (1 << 20)}MB'")
    # DuckDB's own bar shows progress inside one long statement (a big file, the final insert)
    con.execute(f"set enable_progress_bar = {'true' if progress else 'false'}")
    plans: list[FilePlan] = []
    for index, data_file in enumerate(data_files):
        plan = plan_file(inspect(con, data_file, manifests), index)
        if plan.missing_required:
            missing = ", ".join(plan.missing_required)
            raise CurLoadError(
                f"{data_file.path} ({plan.inspected.source_format}) has no column {missing}, "
                "which every CUR line needs."
            )
        plans.append(plan)
    con.execute(staged_table_sql())
    staged: list[StagedFile] = []
    total_bytes = sum(data_file.size for data_file in data_files)
    with tqdm(
        total=total_bytes,
        unit="B",
        unit_scale=True,
        desc="reading CUR files",
        disable=None if progress else True,
    ) as bar:
        for plan in plans:
            row_count = _stage_one(con, plan)
            if row_count == 0:
                raise CurLoadError(f"{plan.inspected.data_file.path} has no line items (only a header).")
            staged.append(StagedFile(plan, row_count))
            bar.update(plan.inspected.data_file.size)
    return staged


def memory_limit_bytes() -> int:
    """A quarter of physical memory, at least 2 GiB."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return MIN_MEMORY_BYTES
    return max(MIN_MEMORY_BYTES, int(physical * MEMORY_SHARE))


def _stage_one(con: duckdb.DuckDBPyConnection, plan: FilePlan) -> int:
    try:
        result = con.execute(f"insert into {STAGED_LINES}\n{plan.select_sql}").fetchone()
    except duckdb.Error as error:
        raise _explain(con, plan, error) from error
    return int(result[0]) if result else 0


def _explain(con: duckdb.DuckDBPyConnection, plan: FilePlan, error: duckdb.Error) -> CurLoadError:
    """Turn a failed read into a sentence naming the file, the column and the offending value."""
    path = plan.inspected.data_file.path
    query = diagnose_sql(plan)
    if query is not None:
        try:
            found = con.execute(query).fetchone()
        except duckdb.Error:
            found = None
        if found is not None:
            for position, conversion in enumerate(plan.conversions):
                bad_count = found[2 * position]
                if bad_count:
                    value = found[2 * position + 1]
                    column = conversion.source_column
                    where = column if column == conversion.raw_column else f"{column} ({conversion.raw_column})"
                    return CurLoadError(
                        f"{path}: column {where} has {bad_count} value(s) that are not "
                        f"{conversion.expected}, e.g. {value!r}."
                    )
    if isinstance(error, duckdb.OutOfMemoryException) or "No space left" in str(error):
        return CurLoadError(
            f"reading {path} ran out of memory or temporary disk space: {first_line(error)}",
            fix="Free disk space (or memory), then run again",
        )
    csv_problem = explain_csv_error(path, error)
    if csv_problem is not None:
        return csv_problem
    kind = "Parquet" if plan.inspected.data_file.file_format == "parquet" else "CSV"
    return CurLoadError(f"{path} cannot be read as {kind} (corrupt or truncated?): {first_line(error)}")


_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_COLUMN_COUNT = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def explain_csv_error(path: object, error: duckdb.Error) -> CurLoadError | None:
    """DuckDB's CSV error as one sentence: the file, the line, and what is wrong with it."""
    text = str(error)
    line_match = _CSV_LINE.search(text)
    if line_match is None:
        return None
    line = int(line_match.group(1))
    counts = _COLUMN_COUNT.search(text)
    if counts is not None:
        expected, found = counts.groups()
        more = "an extra field" if int(found) > int(expected) else "a missing field"
        return CurLoadError(
            f"the line has {found} fields but the header has {expected} ({more}; an unquoted comma or quote?)",
            file=path,
            line=line,
            fix="Fix the line's quoting or export the file again",
        )
    if "Invalid unicode" in text:
        return CurLoadError(
            "the line is not valid UTF-8 (a bad encoding byte)",
            file=path,
            line=line,
            fix="CUR files are UTF-8: convert the file (e.g. iconv -f latin1 -t utf-8)",
        )
    if "Maximum line size" in text:
        return CurLoadError(
            "the line is longer than the 2,000,000 bytes a CSV line may have (a field that large is no CUR "
            "value: a broken quote?)",
            file=path,
            line=line,
            fix="Fix the line or export the file again",
        )
    before_fixes = text.split("Possible fix")[0].splitlines()[1:]
    reason = next((part.strip() for part in reversed(before_fixes) if part.strip()), first_line(error))
    return CurLoadError(f"cannot be read as CSV: {reason}", file=path, line=line)
