"""Read-only access to the public marts, for the dashboard and nothing else.

- Only relations named in ``cloudcost.publish.DASHBOARD_MARTS`` can be read, only in the marts schema, and a
  column is used only if the mart really has it (read from ``information_schema``) and it is a plain
  lower-case name. Those identifiers are the only text put into SQL; every value (filter choices, dates)
  is a bound parameter.
- Connections are read-only: DuckDB opens the *published copy* of the warehouse (see ``cloudcost.publish``),
  never the file ``dbt build`` writes, once per copy (opening the file costs more than most queries; each
  query runs on its own cursor, and a newly published copy is opened once the queries on the old one are
  done); Postgres connects per query as the read-only role and,
  when ``CLOUDCOST_READER_ROLE`` names a team role, switches to it (``SET ROLE``): row-level security then
  shows that team's rows only (``cloudcost.pg_publish``).
- Results are cached (``st.cache_data`` with a TTL) and keyed on the publication, so a new build shows up
  at the next rerun after it is published.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from cloudcost.build_status import LATEST_STATUS_SQL, STATUS_TABLE, BuildStatus, read_status_file, status_from_row
from cloudcost.build_status import META_SCHEMA as BUILD_META_SCHEMA
from cloudcost.publish import (
    COMMENT_PREFIX,
    DASHBOARD_MARTS,
    MARTS_SCHEMA,
    META_SCHEMA,
    PUBLICATION_TABLE,
    published_path,
)
from cloudcost.settings import load_settings

CACHE_TTL_SECONDS = 300
PG_VERSION_SECONDS = 30
STATEMENT_TIMEOUT_MS = 15_000
AGGREGATES = ("sum", "min", "max", "count")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


class DataAccessError(ValueError):
    """A query asked for something outside the allow-list (a programming error, never user input)."""


@dataclass(frozen=True)
class Source:
    """Where the dashboard reads from: ``kind`` duckdb|postgres, ``location`` a file or a DSN."""

    kind: str
    location: str
    available: bool
    problem: str = ""
    role: str | None = None  # Postgres: the role switched to after connecting (a team's), None = the login's

    @property
    def label(self) -> str:
        return f"published DuckDB copy {self.location}" if self.kind == "duckdb" else f"Postgres {self.location}"


def current_source() -> Source:
    settings = load_settings()
    if settings.target == "postgres":
        from cloudcost.pg_roles import session_role_name

        return Source("postgres", _pg_dsn(), True, role=session_role_name())
    path = published_path(settings)
    if not path.exists():
        return Source("duckdb", str(path), False, f"no published data at {path}")
    return Source("duckdb", str(path), True)


def _pg_dsn() -> str:
    """The reader's connection: PG* host/port/database, user CLOUDCOST_READER_USER (password from env)."""
    from cloudcost.pg_roles import reader_password, reader_role_name

    settings = load_settings("postgres")
    parts = [
        f"host={settings.pg_host}",
        f"port={settings.pg_port}",
        f"dbname={settings.pg_database}",
        f"user={reader_role_name()}",
    ]
    password = reader_password()
    if password:
        parts.append(f"password={password}")
    return " ".join(parts)


class _HeldCopy:
    """The open connection to one published DuckDB copy (identified by its file's version) and how many
    queries are using it."""

    def __init__(self, location: str, version: str) -> None:
        import duckdb

        self.version = version
        # attached to an in-memory database rather than opened by path: DuckDB shares one instance per path
        # within a process, so holding the file by its path would hand the old copy to anyone in the process
        # who opens the path after a new publication
        self.connection = duckdb.connect(":memory:")
        self.connection.execute(f"attach '{location.replace(chr(39), chr(39) * 2)}' as {PUBLISHED} (read_only)")
        self.users = 0


PUBLISHED = "published"  # the catalog name of the attached copy
_HELD: dict[str, _HeldCopy] = {}
_HELD_CHANGED = threading.Condition()
_SWAP_WAIT_SECONDS = 30.0


def _acquire_copy(location: str) -> _HeldCopy:
    """The connection to the copy now at ``location``. After a new publication the old copy's connection is
    closed once its running queries finish (DuckDB serves one instance per path while a connection to it is
    open, so the new file can only be opened after that)."""
    version = data_version(Source("duckdb", location, True))
    with _HELD_CHANGED:
        held = _HELD.get(location)
        if held is not None and held.version != version:
            _HELD_CHANGED.wait_for(lambda: held.users == 0, timeout=_SWAP_WAIT_SECONDS)
            held.connection.close()
            del _HELD[location]
            held = None
        if held is None:
            held = _HELD[location] = _HeldCopy(location, version)
        held.users += 1
        return held


def forget_connections() -> None:
    """Close the held copies and drop the catalogs (as a freshly started server has them: none)."""
    with _HELD_CHANGED:
        _HELD_CHANGED.wait_for(lambda: all(held.users == 0 for held in _HELD.values()), timeout=_SWAP_WAIT_SECONDS)
        for held in _HELD.values():
            held.connection.close()
        _HELD.clear()
    _CATALOGS.clear()
    _PUBLISHED_AT.clear()


def _release_copy(held: _HeldCopy) -> None:
    with _HELD_CHANGED:
        held.users -= 1
        _HELD_CHANGED.notify_all()


@contextmanager
def reader(source: Source) -> Iterator[Any]:
    """A read-only connection to ``source``: a cursor on the published DuckDB copy, or a short-lived
    read-only Postgres session as the reader role."""
    if source.kind == "duckdb":
        held = _acquire_copy(source.location)
        try:
            cursor = held.connection.cursor()
            try:
                cursor.execute(f"use {PUBLISHED}")
                yield cursor
            finally:
                cursor.close()
        finally:
            _release_copy(held)
        return
    import psycopg2

    con = psycopg2.connect(source.location, connect_timeout=5, options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}")
    con.set_session(readonly=True, autocommit=True)
    if source.role:
        from psycopg2 import sql

        with con.cursor() as cur:  # the login must be a member of the team role
            cur.execute(sql.SQL("set role {}").format(sql.Identifier(source.role)))
    try:
        yield con
    finally:
        con.close()


def _execute(source: Source, sql: str, params: Sequence[Any]) -> pd.DataFrame:
    with reader(source) as con:
        if source.kind == "duckdb":
            result = con.execute(sql, list(params))
            dates = [column[0] for column in result.description if str(column[1]) == "DATE"]
            frame = result.fetch_df()
            for name in dates:  # DATE stays a date (as from Postgres), not a midnight timestamp
                frame[name] = [None if pd.isna(v) else v.date() for v in frame[name]]
            return frame
        with con.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), tuple(params))
            names = [column.name for column in cur.description]
            frame = pd.DataFrame(cur.fetchall(), columns=names)
        return _numeric_decimals(frame)


def _numeric_decimals(frame: pd.DataFrame) -> pd.DataFrame:
    """Postgres numerics arrive as Decimal; the dashboard computes and charts in floats."""
    from decimal import Decimal

    for name in frame.columns:
        if frame[name].dtype == object and frame[name].map(lambda v: isinstance(v, Decimal)).any():
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
    return frame


_PG_VERSIONS: dict[Source, tuple[float, str]] = {}


def data_version(source: Source) -> str:
    """Changes whenever a new publication is swapped in; part of every cache key."""
    if not source.available:
        return "unavailable"
    if source.kind == "duckdb":
        stat = os.stat(source.location)
        return f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"
    now = time.monotonic()
    known = _PG_VERSIONS.get(source)
    if known is None or known[0] < now:  # ask Postgres at most every PG_VERSION_SECONDS
        known = (now + PG_VERSION_SECONDS, str(publication_time(source) or "unpublished"))
        _PG_VERSIONS[source] = known
    return known[1]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _cached(source: Source, version: str, sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    del version  # only part of the cache key
    return _execute(source, sql, params)


def run(sql: str, params: Sequence[Any] = (), source: Source | None = None) -> pd.DataFrame:
    """Run SQL built by this module (never from user text) with bound ``params``; cached."""
    source = source or current_source()
    if not source.available:
        return pd.DataFrame()
    return _cached(source, data_version(source), sql, tuple(params)).copy()


# --- what exists -------------------------------------------------------------------------------------


_CATALOGS: dict[tuple[Source, str], dict[str, tuple[str, ...]]] = {}
PROBLEMS: dict[Source, str] = {}  # why a source could not be read, for the sidebar


def catalog(source: Source | None = None) -> dict[str, tuple[str, ...]]:
    """Columns (in order) of every dashboard mart in the source, read once per publication."""
    source = source or current_source()
    if not source.available:
        return {}
    key = (source, data_version(source))
    if key not in _CATALOGS:
        try:
            frame = _execute(
                source,
                "select table_name, column_name from information_schema.columns "
                "where table_schema = ? order by table_name, ordinal_position",
                (MARTS_SCHEMA,),
            )
        except Exception as error:  # an unreachable database shows as "no data"; the sidebar says why
            PROBLEMS[source] = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error) else ''}"
            return {}
        PROBLEMS.pop(source, None)
        found: dict[str, list[str]] = {}
        for table, column in frame.itertuples(index=False):
            if table in DASHBOARD_MARTS:
                found.setdefault(str(table), []).append(str(column))
        _CATALOGS.clear()
        _CATALOGS[key] = {table: tuple(columns) for table, columns in found.items()}
    return _CATALOGS[key]


def mart_columns(mart: str, source: Source | None = None) -> tuple[str, ...]:
    """The mart's columns in order, or () when it has not been built (or published) yet."""
    _check_mart(mart)
    return catalog(source).get(mart, ())


def has_mart(mart: str, source: Source | None = None) -> bool:
    return bool(mart_columns(mart, source))


def pick(mart: str, *candidates: str, source: Source | None = None) -> str | None:
    """The first of ``candidates`` that the mart has (column names differ slightly between marts)."""
    columns = set(mart_columns(mart, source))
    return next((name for name in candidates if name in columns), None)


def _check_mart(mart: str) -> None:
    if mart not in DASHBOARD_MARTS:
        raise DataAccessError(f"{mart!r} is not a mart the dashboard may read")


def _check_columns(mart: str, names: Sequence[str], source: Source) -> None:
    available = set(mart_columns(mart, source))
    for name in names:
        if not _IDENTIFIER.match(name) or name not in available:
            raise DataAccessError(f"{mart} has no column {name!r}")


def _quote(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise DataAccessError(f"not a plain identifier: {name!r}")
    return f'"{name}"'


# --- filters -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """Row filters: each (column, values) keeps rows whose column is one of the values (none = all);
    ``date_column`` between ``date_from`` and ``date_to`` (inclusive); with ``monthly`` the range is
    widened to whole months (for marts whose date is the first day of a month)."""

    equals_any: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    date_column: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    monthly: bool = False

    def columns(self) -> list[str]:
        names = [column for column, _ in self.equals_any]
        return [*names, self.date_column] if self.date_column else names

    def sql(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, values in self.equals_any:
            if not values:
                continue
            clauses.append(f"{_quote(column)} in ({', '.join('?' for _ in values)})")
            params.extend(value if isinstance(value, bool) else str(value) for value in values)
        if self.date_column and self.date_from:
            start = self.date_from.replace(day=1) if self.monthly else self.date_from
            clauses.append(f"{_quote(self.date_column)} >= ?")
            params.append(start)
        if self.date_column and self.date_to:
            clauses.append(f"{_quote(self.date_column)} <= ?")
            params.append(self.date_to)
        return (" where " + " and ".join(clauses)) if clauses else "", params


def where(
    mart: str,
    selections: dict[str, Sequence[Any]] | None = None,
    date_column: str | None = None,
    dates: tuple[date | None, date | None] = (None, None),
    monthly: bool = False,
) -> Where:
    """A Where for ``mart`` that keeps only the selections whose column the mart has."""
    columns = set(mart_columns(mart))
    kept = tuple(
        (column, tuple(values)) for column, values in (selections or {}).items() if column in columns and values
    )
    use_dates = date_column if date_column in columns else None
    return Where(kept, use_dates, dates[0] if use_dates else None, dates[1] if use_dates else None, monthly)


# --- queries -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    function: str
    column: str
    alias: str


@dataclass(frozen=True)
class Dimension:
    column: str
    month: bool = False  # truncate a date to its month

    @property
    def alias(self) -> str:
        return "month" if self.month else self.column

    def sql(self) -> str:
        if self.month:
            return f"cast(date_trunc('month', {_quote(self.column)}) as date) as month"
        return _quote(self.column)


@dataclass(frozen=True)
class Aggregate:
    mart: str
    dimensions: tuple[Dimension, ...]
    measures: tuple[Measure, ...]
    where: Where = field(default_factory=Where)
    order_by: tuple[str, ...] = ()
    descending: bool = False
    limit: int | None = None

    def sql(self) -> tuple[str, list[Any]]:
        for measure in self.measures:
            if measure.function not in AGGREGATES:
                raise DataAccessError(f"unsupported aggregate {measure.function!r}")
        select = [dimension.sql() for dimension in self.dimensions]
        select += [f"{m.function}({_quote(m.column)}) as {_quote(m.alias)}" for m in self.measures]
        condition, params = self.where.sql()
        text = f"select {', '.join(select)} from {_quote(MARTS_SCHEMA)}.{_quote(self.mart)}{condition}"
        if self.dimensions:
            text += " group by " + ", ".join(str(i) for i in range(1, len(self.dimensions) + 1))
        allowed_order = {d.alias for d in self.dimensions} | {m.alias for m in self.measures}
        order = [name for name in self.order_by if name in allowed_order]
        if order:
            text += " order by " + ", ".join(_quote(name) + (" desc" if self.descending else "") for name in order)
        if self.limit is not None:
            text += f" limit {int(self.limit)}"
        return text, params


def aggregate(
    mart: str,
    dimensions: Sequence[str | Dimension],
    measures: Sequence[tuple[str, str] | tuple[str, str, str] | Measure],
    where_: Where | None = None,
    order_by: Sequence[str] = (),
    descending: bool = False,
    limit: int | None = None,
) -> pd.DataFrame:
    """``select dims, f(col) as alias ... group by dims`` on one mart.

    Measures are (function, column) or (function, column, alias).

    Measures and dimensions whose column the mart lacks are dropped, so a page degrades column by column
    while the marts grow; an empty frame means the mart (or the published copy) is not there yet.
    """
    source = current_source()
    _check_mart(mart)
    columns = set(mart_columns(mart, source))
    if not columns:
        return pd.DataFrame()
    dims = tuple(d if isinstance(d, Dimension) else Dimension(d) for d in dimensions)
    dims = tuple(d for d in dims if d.column in columns)
    parsed = tuple(_measure(m) for m in measures)
    parsed = tuple(m for m in parsed if m.column in columns)
    if not dims and not parsed:
        return pd.DataFrame()
    where_ = where_ or Where()
    _check_columns(mart, [*(d.column for d in dims), *(m.column for m in parsed), *where_.columns()], source)
    query = Aggregate(mart, dims, parsed, where_, tuple(order_by), descending, limit)
    text, params = query.sql()
    return run(text, params, source)


def _measure(spec: tuple[str, str] | tuple[str, str, str] | Measure) -> Measure:
    if isinstance(spec, Measure):
        return spec
    if len(spec) == 2:
        return Measure(spec[0], spec[1], spec[1])
    return Measure(spec[0], spec[1], spec[2])


def rows(
    mart: str,
    columns: Sequence[str] | None = None,
    where_: Where | None = None,
    order_by: Sequence[str] = (),
    descending: bool = False,
    limit: int | None = None,
) -> pd.DataFrame:
    """Rows of one mart (the given columns that exist, or all), filtered, ordered, limited."""
    source = current_source()
    _check_mart(mart)
    available = mart_columns(mart, source)
    if not available:
        return pd.DataFrame()
    wanted = [c for c in (columns or available) if c in available]
    where_ = where_ or Where()
    _check_columns(mart, [*wanted, *where_.columns()], source)
    condition, params = where_.sql()
    text = f"select {', '.join(_quote(c) for c in wanted)} from {_quote(MARTS_SCHEMA)}.{_quote(mart)}{condition}"
    order = [c for c in order_by if c in available]
    if order:
        text += " order by " + ", ".join(_quote(c) + (" desc" if descending else "") for c in order)
    if limit is not None:
        text += f" limit {int(limit)}"
    return run(text, params, source)


def distinct_values(mart: str, column: str, where_: Where | None = None) -> list[str]:
    """Sorted distinct non-null values of one column (filter options)."""
    frame = aggregate(mart, [column], [], where_, order_by=[column])
    if frame.empty or column not in frame:
        return []
    return sorted({str(value) for value in frame[column].dropna()})


def date_bounds(mart: str, column: str) -> tuple[date | None, date | None]:
    frame = aggregate(mart, [], [("min", column, "first_date"), ("max", column, "last_date")])
    if frame.empty or frame.iloc[0].isna().all():
        return None, None
    return _as_date(frame.iloc[0]["first_date"]), _as_date(frame.iloc[0]["last_date"])


def _as_date(value: Any) -> date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


# --- freshness ---------------------------------------------------------------------------------------


_PUBLISHED_AT: dict[tuple[Source, str], datetime | None] = {}


def publication_time(source: Source | None = None) -> datetime | None:
    """When the marts were published (the end of the build that made them), UTC."""
    source = source or current_source()
    if not source.available:
        return None
    if source.kind == "duckdb":
        key = (source, data_version(source))
        if key not in _PUBLISHED_AT:
            _PUBLISHED_AT.clear()
            _PUBLISHED_AT[key] = _read_publication_time(source)
        return _PUBLISHED_AT[key]
    return _read_publication_time(source)


def _read_publication_time(source: Source) -> datetime | None:
    try:
        if source.kind == "duckdb":
            with reader(source) as con:
                found = con.execute(
                    f"select max(published_at) from {_quote(META_SCHEMA)}.{_quote(PUBLICATION_TABLE)}"
                ).fetchone()
            return found[0] if found else None
        with reader(source) as con, con.cursor() as cur:
            cur.execute("select obj_description(to_regnamespace(%s), 'pg_namespace')", (MARTS_SCHEMA,))
            comment = (cur.fetchone() or [None])[0] or ""
        if comment.startswith(COMMENT_PREFIX):
            return datetime.fromisoformat(comment[len(COMMENT_PREFIX) :])
    except Exception:
        return None
    return None


def latest_build(source: Source | None = None) -> BuildStatus | None:
    """The latest build's status (passed, or the checks that failed), wherever the build recorded it."""
    source = source or current_source()
    if source.kind == "duckdb":
        return read_status_file(Path(source.location))
    try:
        with reader(source) as con, con.cursor() as cur:
            cur.execute("select to_regclass(%s)", (f"{BUILD_META_SCHEMA}.{STATUS_TABLE}",))
            if (cur.fetchone() or [None])[0] is None:
                return None
            cur.execute(LATEST_STATUS_SQL)
            return status_from_row(cur.fetchone())
    except Exception:
        return None


def published_file(source: Source) -> Path | None:
    return Path(source.location) if source.kind == "duckdb" else None
