"""Every file of a batch as one staging relation in the raw shape (nothing touches the warehouse).

``cloudcost_load_lines`` is a temp view: the union of one relation per file, each with ``source_row`` (the
line's 1-based row in its file). A Parquet file whose values need no conversion that can fail is read straight
from the file (its columns are typed: the checks read only the columns they need, and the write reads the file
once more): nothing is copied before the one insert into the warehouse. A CSV file (or a Parquet file with text
columns to convert) is read once into its own temp table, where a value that cannot be converted is caught
and named; DuckDB spills such tables to its temp directory past the memory limit.
"""

from __future__ import annotations

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
STAGED_FILE = "cloudcost_load_file_"


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


def staged_table_sql(name: str) -> str:
    types = SQL_TYPES["duckdb"]
    columns = [f"{column.name} {types[column.type]}" for column in CUR_COLUMNS]
    columns += ["source_file VARCHAR", "source_format VARCHAR", "source_file_index INTEGER"]
    return f"create or replace temp table {name} (\n  " + ",\n  ".join(columns) + "\n)"


def _staged_view_sql(parts: Sequence[str]) -> str:
    return f"create or replace temp view {STAGED_LINES} as\n" + "\nunion all by name\n".join(parts)


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
    # a staged CSV's row ids follow its lines (they number the lines in error messages)
    con.execute("set preserve_insertion_order = true")
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
    _drop_staged_tables(con)
    staged: list[StagedFile] = []
    parts: list[str] = []
    total_bytes = sum(data_file.size for data_file in data_files)
    with tqdm(
        total=total_bytes,
        unit="B",
        unit_scale=True,
        desc="reading CUR files",
        disable=None if progress else True,
    ) as bar:
        for plan in plans:
            row_count, part = _stage_one(con, plan)
            if row_count == 0:
                raise CurLoadError(f"{plan.inspected.data_file.path} has no line items (only a header).")
            staged.append(StagedFile(plan, row_count))
            parts.append(part)
            bar.update(plan.inspected.data_file.size)
    con.execute(_staged_view_sql(parts))
    return staged


def _drop_staged_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The previous batch's staged files (their memory or spill space is freed)."""
    con.execute(f"drop view if exists {STAGED_LINES}")
    tables = con.execute(
        "select table_name from duckdb_tables() where temporary and starts_with(table_name, ?)", [STAGED_FILE]
    ).fetchall()
    for (table,) in tables:
        con.execute(f"drop table {table}")


def _stage_one(con: duckdb.DuckDBPyConnection, plan: FilePlan) -> tuple[int, str]:
    """(line count, the SELECT of its lines with ``source_row``): a Parquet file whose values convert
    without fail is read in place; any other file is read into its own temp table."""
    if plan.numbered_sql is not None and _converts(con, plan):
        reader = plan.inspected.reader_sql
        try:
            result = con.execute(f"select count(*) from {reader}").fetchone()
        except duckdb.Error as error:
            raise _explain(con, plan, error) from error
        return (int(result[0]) if result else 0), f"({plan.numbered_sql})"
    table = f"{STAGED_FILE}{plan.index}"
    try:
        con.execute(staged_table_sql(table))
        result = con.execute(f"insert into {table}\n{plan.select_sql}").fetchone()
    except duckdb.Error as error:
        raise _explain(con, plan, error) from error
    return (int(result[0]) if result else 0), f"(select *, rowid + 1 as source_row from {table})"


def _converts(con: duckdb.DuckDBPyConnection, plan: FilePlan) -> bool:
    """True when every value of the file's converted columns converts (one narrow scan; none to convert: True)."""
    query = diagnose_sql(plan)
    if query is None:
        return True
    try:
        found = con.execute(query).fetchone()
    except duckdb.Error:
        return False
    return found is not None and not any(found[position] for position in range(0, len(found), 2))


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
