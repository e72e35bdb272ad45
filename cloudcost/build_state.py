"""What a build was made from, so that `cloudcost build` with nothing new to do costs a few seconds.

After every complete, passing `cloudcost build` the warehouse records a fingerprint of everything the build
read: the dbt project's files (SQL, seeds, macros, tests, docs, vars in ``dbt_project.yml``, selectors), the
company folder's files, the raw tables' contents, the dbt version and today's date (models that compare with
the current date change with it). The next build computes the fingerprint again; when it is the same and
every relation the build made is still there, dbt has nothing to do and is not run. Any other command that
writes relations through dbt forgets the record (see ``cloudcost.dbt_runner.run_dbt``).

The raw tables' contents are fingerprinted by a hash of every row for tables up to ``FULL_HASH_MAX_ROWS``
rows, and by the row count and exact (decimal) sums of the money and quantity columns above that: every load
the loader makes changes the recorded deliveries, and a hand edit that keeps every count and total of the
line-item table is the one change this does not see (`cloudcost build --force` rebuilds regardless).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cloudcost import __version__
from cloudcost.settings import PROJECT_ROOT, Settings
from cloudcost.sql_text import quote_identifier
from cloudcost.warehouse import connect

STATE_SCHEMA = "cloudcost_build"
STATE_TABLE = "last_build"
RAW_SCHEMA = "raw"
BUILT_SCHEMAS = ("staging", "intermediate", "marts", "seeds", "snapshots")
PROJECT_FILES = ("dbt_project.yml", "selectors.yml")
PROJECT_FOLDERS = ("models", "macros", "seeds", "snapshots", "data-tests", "analyses", "docs")
FULL_HASH_MAX_ROWS = 200_000
MEASURE_COLUMN = re.compile(r"cost|amount|fee|quantity|units|volume|rate|total")
NUMERIC_TYPES = re.compile(r"double|decimal|numeric|real|float|int", re.IGNORECASE)


@dataclass(frozen=True)
class BuildRecord:
    fingerprint: str
    with_tests: bool
    relations: int
    built_at: datetime


# -- the inputs -----------------------------------------------------------------------------------------
def files_digest(paths: Iterable[Path], root: Path) -> str:
    """sha256 over the relative names and bytes of the given files (folders: every file inside)."""
    digest = hashlib.sha256()
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += [child for child in path.rglob("*") if child.is_file() and "__pycache__" not in child.parts]
        elif path.is_file():
            files.append(path)
    for file in sorted(files):
        digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def project_digest(root: Path = PROJECT_ROOT) -> str:
    """Every file of the dbt project that can change what a build makes."""
    return files_digest([root / name for name in (*PROJECT_FILES, *PROJECT_FOLDERS)], root)


def company_digest(company_dir: Path | None) -> str:
    """The company folder's files and the package's company file spec and starter (which fill what a folder
    leaves out, and are the whole company without one)."""
    from cloudcost.company.spec import PACKAGE_DIR

    product = files_digest([PACKAGE_DIR], PACKAGE_DIR)
    if company_dir is None or not company_dir.is_dir():
        return f"starter {product}"
    return f"{files_digest([company_dir], company_dir)} {product}"


def _rows(con: Any, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    cursor = con.cursor()
    cursor.execute(sql, params)
    return list(cursor.fetchall())


def table_digest(con: Any, target: str, table: str, columns: list[tuple[str, str]]) -> list[Any]:
    """Row count, then a hash of every row (small tables) or exact sums of the measure columns (large ones)."""
    relation = f"{RAW_SCHEMA}.{quote_identifier(table)}"
    count = int(_rows(con, f"select count(*) from {relation}")[0][0])
    if count <= FULL_HASH_MAX_ROWS:
        row_hash = "hash(t)" if target == "duckdb" else "hashtext(t::text)::bigint"
        return [count, str(_rows(con, f"select sum({row_hash}) from {relation} as t")[0][0])]
    measures = [name for name, data_type in columns if MEASURE_COLUMN.search(name) and NUMERIC_TYPES.search(data_type)]
    if not measures:
        return [count]
    sums = ", ".join(f"sum(cast({quote_identifier(name)} as decimal(38, 10)))" for name in measures)
    return [count, *(str(value) for value in _rows(con, f"select {sums} from {relation}")[0])]


def data_digest(con: Any, target: str) -> dict[str, list[Any]]:
    """Per raw table: what ``table_digest`` says about its contents."""
    found = _rows(
        con,
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = %s order by table_name, ordinal_position"
        if target == "postgres"
        else "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = ? order by table_name, ordinal_position",
        (RAW_SCHEMA,),
    )
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in found:
        tables.setdefault(str(table), []).append((str(column), str(data_type)))
    return {table: table_digest(con, target, table, columns) for table, columns in sorted(tables.items())}


def relation_count(con: Any, target: str) -> int:
    """Tables and views in the schemas a build writes."""
    placeholders = ", ".join(["%s" if target == "postgres" else "?"] * len(BUILT_SCHEMAS))
    sql = f"select count(*) from information_schema.tables where table_schema in ({placeholders})"
    return int(_rows(con, sql, BUILT_SCHEMAS)[0][0])


def fingerprint(settings: Settings, con: Any, today: str | None = None, project_root: Path = PROJECT_ROOT) -> str:
    """The fingerprint of everything a build of this warehouse reads (see the module doc)."""
    from dbt.version import __version__ as dbt_version

    parts = {
        "project": project_digest(project_root),
        "company": company_digest(settings.company_dir),
        "data": data_digest(con, settings.target),
        "dbt": str(dbt_version),
        "cloudcost": __version__,
        "target": settings.target,
        "today": today or datetime.now(UTC).date().isoformat(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


# -- the record in the warehouse --------------------------------------------------------------------------
def _state_table_exists(con: Any, target: str) -> bool:
    marker = "%s" if target == "postgres" else "?"
    sql = f"select count(*) from information_schema.tables where table_schema = {marker} and table_name = {marker}"
    return int(_rows(con, sql, (STATE_SCHEMA, STATE_TABLE))[0][0]) > 0


def read_record(con: Any, target: str) -> BuildRecord | None:
    if not _state_table_exists(con, target):
        return None
    rows = _rows(con, f"select fingerprint, with_tests, relations, built_at from {STATE_SCHEMA}.{STATE_TABLE}")
    if len(rows) != 1:
        return None
    value, with_tests, relations, built_at = rows[0]
    return BuildRecord(str(value), bool(with_tests), int(relations), built_at)


def write_record(con: Any, target: str, value: str, with_tests: bool) -> None:
    marker = "%s" if target == "postgres" else "?"
    cursor = con.cursor()
    cursor.execute(f"create schema if not exists {STATE_SCHEMA}")
    cursor.execute(
        f"create table if not exists {STATE_SCHEMA}.{STATE_TABLE} "
        "(fingerprint varchar, with_tests boolean, relations integer, built_at timestamp)"
    )
    relations = relation_count(con, target)
    cursor.execute(f"delete from {STATE_SCHEMA}.{STATE_TABLE}")
    cursor.execute(
        f"insert into {STATE_SCHEMA}.{STATE_TABLE} values ({marker}, {marker}, {marker}, {marker})",
        (value, with_tests, relations, datetime.now(UTC).replace(tzinfo=None)),
    )
    con.commit()


def _warehouse_exists(settings: Settings) -> bool:
    if settings.target == "duckdb":
        return settings.duckdb_path.exists()
    from cloudcost.warehouse import ensure_postgres_database

    ensure_postgres_database(settings)  # a new database has no build yet
    return True


def up_to_date(settings: Settings, with_tests: bool) -> tuple[bool, str | None, BuildRecord | None]:
    """(nothing to do?, the current fingerprint, the last build's record).

    Nothing to do when the last complete build had the same fingerprint, ran at least the tests asked for,
    and every relation it made is still there. Spark keeps no record: every build runs dbt."""
    if settings.target == "spark" or not _warehouse_exists(settings):
        return False, None, None
    with connect(settings) as con:
        current = fingerprint(settings, con)
        record = read_record(con, settings.target)
        if record is None:
            return False, current, None
        same = (
            record.fingerprint == current
            and (record.with_tests or not with_tests)
            and relation_count(con, settings.target) == record.relations
        )
    return same, current, record


def record_build(settings: Settings, with_tests: bool) -> str:
    """Record the fingerprint of the inputs of the build that just passed; returns it ("" on Spark)."""
    if settings.target == "spark":
        return ""
    with connect(settings) as con:
        value = fingerprint(settings, con)
        write_record(con, settings.target, value, with_tests)
    return value


def forget_build(settings: Settings) -> None:
    """Drop the record: the next `cloudcost build` runs dbt whatever the fingerprint."""
    if settings.target == "spark" or not _warehouse_exists(settings):
        return
    try:
        with connect(settings) as con:
            if _state_table_exists(con, settings.target):
                con.cursor().execute(f"delete from {STATE_SCHEMA}.{STATE_TABLE}")
                con.commit()
    except Exception as error:  # noqa: BLE001 - a warehouse we cannot open has no record to forget
        if "does not exist" not in str(error):
            raise
