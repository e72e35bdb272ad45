"""Publish the marts the dashboard reads, after a successful build.

DuckDB allows one writing process per file, and a reading process holds a lock that stops `dbt build` from
opening the file. So the dashboard never opens the warehouse file itself: after each successful build the
marts it reads are copied into a separate file, written under a temporary name and swapped in with
``os.replace`` (atomic on one filesystem). A reader that has the old copy open keeps reading it; the next
connection sees the new one; a build in progress is never blocked and never seen half-done. The copy also
records when it was published (``cloudcost_meta.publication``), which the dashboard shows as "built at".

Only a build that passed its money and close checks is published (``cloudcost.build_status``); a failed build
is recorded beside the copy (``<copy>.build-status.json``) and the last good copy stays. The DuckDB copy has
no row-level security: whoever can open the file reads every row.

On Postgres the build is swapped in as the readers' ``marts`` schema in one transaction, with privileges and
row-level security by team (``cloudcost.pg_publish``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from cloudcost.build_status import BuildStatus, gate, now, write_status_file
from cloudcost.settings import PROJECT_ROOT, Settings, load_settings
from cloudcost.sql_text import sql_string

MARTS_SCHEMA = "marts"
META_SCHEMA = "cloudcost_meta"
PUBLICATION_TABLE = "publication"
PUBLISHED_DB_ENV = "CLOUDCOST_DASHBOARD_DB"
COMMENT_PREFIX = "cloudcost published at "

# The dbt exposure of the dashboard: its refs are every public mart the dashboard reads, written from the page
# index (streamlit_app/pages_index.py) by `python -m streamlit_app.page_lists`. Line-grain marts
# (fct_cost_layers) are not read: the dashboard uses the daily aggregates.
DASHBOARD_EXPOSURE_FILE = PROJECT_ROOT / "models" / "marts" / "_dashboard__exposures.yml"
DASHBOARD_EXPOSURE = "finance_dashboard"
_REF = re.compile(r"^ref\('([a-z0-9_]+)'\)$")


def exposure_marts(path: Path = DASHBOARD_EXPOSURE_FILE, name: str = DASHBOARD_EXPOSURE) -> tuple[str, ...]:
    """The marts an exposure of the project depends on, in its order."""
    exposures = yaml.safe_load(path.read_text())["exposures"]
    (exposure,) = [item for item in exposures if item["name"] == name]
    marts = []
    for item in exposure["depends_on"]:
        match = _REF.match(item)
        if match is None:
            raise ValueError(f"{path.name}: {name} depends on {item!r}, not ref('<mart>')")
        marts.append(match.group(1))
    return tuple(marts)


DASHBOARD_MARTS: tuple[str, ...] = exposure_marts()

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


class PublishError(RuntimeError):
    """The marts could not be published (nothing was replaced)."""


@dataclass
class PublishResult:
    target: str
    location: str
    published_at: datetime
    marts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"published {len(self.marts)} marts for the dashboard to {self.location}"
        if self.missing:
            text += f" (not built yet: {', '.join(self.missing)})"
        return text


def published_path(settings: Settings) -> Path:
    """Where the dashboard's copy of a DuckDB warehouse lives.

    ``CLOUDCOST_DASHBOARD_DB`` if set, else ``published/<warehouse file name>`` beside the warehouse file
    (``warehouse/published/cloudcost.duckdb`` by default).
    """
    explicit = os.environ.get(PUBLISHED_DB_ENV)
    if explicit:
        path = Path(explicit)
        return path if path.is_absolute() else Path.cwd() / path
    if settings.target == "spark":
        return settings.spark_warehouse / "published" / "cloudcost.duckdb"
    return settings.duckdb_path.parent / "published" / settings.duckdb_path.name


def _checked(names: Sequence[str]) -> list[str]:
    for name in names:
        if not _IDENTIFIER.match(name):
            raise PublishError(f"not a plain lower-case relation name: {name!r}")
    return list(names)


def publish(settings: Settings | None = None, marts: Sequence[str] = DASHBOARD_MARTS) -> PublishResult:
    """Publish the dashboard's marts for the configured target; call it after a successful build."""
    settings = settings or load_settings()
    names = _checked(marts)
    if settings.target == "postgres":
        return publish_postgres(settings, names)
    if settings.target == "spark":
        return publish_spark(settings, published_path(settings), names)
    return publish_duckdb(settings.duckdb_path, published_path(settings), names)


def publish_duckdb(source: Path, destination: Path, marts: Sequence[str]) -> PublishResult:
    """Copy ``marts`` (those that exist) from ``source`` into a new file swapped in at ``destination``."""
    import duckdb

    if not source.exists():
        raise PublishError(f"no DuckDB warehouse at {source}: run `cloudcost build` first")
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
        leftover.unlink(missing_ok=True)
    published_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    try:
        con = duckdb.connect(str(temporary))
        try:
            con.execute(f"attach {sql_string(str(source))} as src (read_only)")
        except duckdb.Error:
            con.close()
            temporary.unlink(missing_ok=True)
            return _publish_duckdb_shared(source, destination, temporary, marts, published_at)
        try:
            copied, missing = _copy_marts(con, "src", _dest_catalog(con), marts, published_at)
            con.execute("detach src")
            con.execute("checkpoint")
        finally:
            con.close()
        _fsync(temporary)
        os.replace(temporary, destination)
        _fsync_dir(destination.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return PublishResult("duckdb", str(destination), published_at, copied, missing)


def publish_spark(settings: Settings, destination: Path, marts: Sequence[str]) -> PublishResult:
    """Copy the marts' Parquet files of a Spark build into a new dashboard file swapped in at ``destination``.

    The dashboard then reads a DuckDB file as for a DuckDB build: no Spark session in the app."""
    import duckdb

    from cloudcost.warehouse import spark_marts_connection

    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    published_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    con = spark_marts_connection(settings)
    try:
        con.execute(f"attach {sql_string(str(temporary))} as dashboard_publish")
        copied, missing = _copy_marts(con, _dest_catalog(con), "dashboard_publish", marts, published_at)
        con.execute("detach dashboard_publish")
    except duckdb.Error:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    _fsync(temporary)
    os.replace(temporary, destination)
    _fsync_dir(destination.parent)
    return PublishResult("spark", str(destination), published_at, copied, missing)


def _publish_duckdb_shared(
    source: Path, destination: Path, temporary: Path, marts: Sequence[str], published_at: datetime
) -> PublishResult:
    """Same as publish_duckdb when this process already has the warehouse open (e.g. dbt ran in-process)."""
    import duckdb

    con = duckdb.connect(str(source))
    try:
        catalog = con.execute("select current_database()").fetchone()[0]
        con.execute(f"attach {sql_string(str(temporary))} as dashboard_publish")
        try:
            copied, missing = _copy_marts(con, catalog, "dashboard_publish", marts, published_at)
        finally:
            con.execute("detach dashboard_publish")
    finally:
        con.close()
    _fsync(temporary)
    os.replace(temporary, destination)
    _fsync_dir(destination.parent)
    return PublishResult("duckdb", str(destination), published_at, copied, missing)


def _dest_catalog(con) -> str:  # type: ignore[no-untyped-def]
    return str(con.execute("select current_database()").fetchone()[0])


# the published copy of a mart is stored in this order (the columns it has): the dashboard reads a month at a time,
# and DuckDB skips the row groups whose min/max exclude it, so a month's query on the resource × month mart
# (millions of rows at 10M line items) reads that month only. The rows are the same, in another order.
PUBLISHED_ORDER = ("billing_period",)


def _published_order(con, catalog: str, mart: str) -> str:  # type: ignore[no-untyped-def]
    columns = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_catalog = ? and table_schema = ? and table_name = ?",
            [catalog, MARTS_SCHEMA, mart],
        ).fetchall()
    }
    order = [name for name in PUBLISHED_ORDER if name in columns]
    quoted = ", ".join(f'"{name}"' for name in order)
    return f" order by {quoted}" if order else ""


def _copy_marts(  # type: ignore[no-untyped-def]
    con, source_catalog: str, dest_catalog: str, marts: Sequence[str], published_at: datetime
) -> tuple[list[str], list[str]]:
    existing = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_catalog = ? and table_schema = ?",
            [source_catalog, MARTS_SCHEMA],
        ).fetchall()
    }
    copied = [name for name in marts if name in existing]
    missing = [name for name in marts if name not in existing]
    con.execute(f'create schema if not exists "{dest_catalog}"."{MARTS_SCHEMA}"')
    for name in copied:
        con.execute(
            f'create or replace table "{dest_catalog}"."{MARTS_SCHEMA}"."{name}" as '
            f'select * from "{source_catalog}"."{MARTS_SCHEMA}"."{name}"{_published_order(con, source_catalog, name)}'
        )
    con.execute(f'create schema if not exists "{dest_catalog}"."{META_SCHEMA}"')
    con.execute(
        f'create or replace table "{dest_catalog}"."{META_SCHEMA}"."{PUBLICATION_TABLE}" '
        "(published_at timestamp, marts varchar)"
    )
    con.execute(
        f'insert into "{dest_catalog}"."{META_SCHEMA}"."{PUBLICATION_TABLE}" values (?, ?)',
        [published_at, ",".join(copied)],
    )
    return copied, missing


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish_postgres(settings: Settings, marts: Sequence[str], status: BuildStatus | None = None) -> PublishResult:
    """Swap the build schema in as the readers' ``marts`` with privileges and row-level security
    (``cloudcost.pg_publish``), in one transaction; ``marts`` lists the dashboard's marts (reported only)."""
    from cloudcost.pg_publish import publish_schema
    from cloudcost.pg_roles import reader_roles
    from cloudcost.warehouse import connect

    status = status or BuildStatus(now(), True)
    roles = reader_roles(settings)
    with connect(settings) as con:
        published = publish_schema(con, roles, status)
    location = f"schema {MARTS_SCHEMA} of {settings.pg_database}"
    present = [name for name in marts if name in published]
    missing = [name for name in marts if name not in published]
    return PublishResult("postgres", location, status.built_at, present, missing)


def record_build(settings: Settings, status: BuildStatus) -> None:
    """Record a build that readers will not see (its checks failed): the dashboard says so."""
    if settings.target == "postgres":
        from cloudcost.pg_publish import record_failed_build

        record_failed_build(settings, status)
    else:
        write_status_file(published_path(settings), status)


def publish_if_passed(settings: Settings, results: Sequence[object]) -> tuple[BuildStatus, PublishResult | None]:
    """Publish after `dbt build` only when it passed the gate (``cloudcost.build_status.gate``: no money or close
    check failed, no model, seed or snapshot errored); otherwise the last good publication stays and the failed
    build is recorded. Returns the build's status and the publication (None when not published).

    Other failing tests (a forecast check, a column test) do not stop publishing; the build itself still fails."""
    status = gate(results)
    if not status.passed:
        record_build(settings, status)
        return status, None
    if settings.target == "postgres":
        return status, publish_postgres(settings, _checked(DASHBOARD_MARTS), status)
    result = publish(settings)
    write_status_file(published_path(settings), BuildStatus(result.published_at, True))
    return status, result


def publish_after_build(settings: Settings, results: Sequence[object]) -> PublishResult | None:
    """``publish_if_passed`` without the status: the publication, or None when the build was not published."""
    return publish_if_passed(settings, results)[1]


def main() -> None:
    """`python -m cloudcost.publish`: publish after a build run by hand (e.g. plain `dbt build`)."""
    print(publish().summary())


if __name__ == "__main__":
    main()
