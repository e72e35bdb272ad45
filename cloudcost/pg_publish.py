"""Publish a Postgres build: swap the readers' schema in one transaction, with privileges and row-level security.

``cloudcost build`` on Postgres writes the marts into a private schema, ``marts__build`` (the macro
``generate_schema_name`` adds ``CLOUDCOST_BUILD_SCHEMA_SUFFIX``), which no reader can see. When the build's money
checks pass, one transaction:

1. copies every table of ``marts__build`` into a fresh ``marts__next`` (with the dbt docs as comments) — the
   build schema stays as dbt left it, so incremental models and partial builds go on from it;
2. renames ``marts`` away and ``marts__next`` to ``marts``;
3. grants the reader roles USAGE and SELECT, and on every table with a ``team`` column enables and forces
   row-level security with one policy that lets a role read the rows of the teams mapped to it
   (``cloudcost_meta.reader_teams``, from reader_roles.csv) — Finance (team ``*``) reads all;
4. stamps the publication time and records the build as passed.

Readers never see a table dbt is rebuilding and never see a table without its policy: until the commit they
read the previous build, after it the new one. A build that fails its checks never gets here, so the published
schema stays as it was. What a team role reads:

- marts with ``team``: only its own team's rows. ``unallocated`` is a team like the others: only Finance (or
  a role mapped to ``unallocated``) reads it. In the showback mart a team reads its own rows, i.e. its direct
  cost and its share of the spread shared cost, not the other teams' shares;
- the reference dimensions without money (``REFERENCE_MARTS``): every row;
- every other mart (invoices, reconciliation, cash bridge, commitments, forecast accuracy, unit cost …) is
  company-wide money without a team: Finance only (a team role gets no privilege on it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cloudcost.build_status import BuildStatus, ensure_status_table, insert_status
from cloudcost.reader_roles import ALL_TEAMS, ReaderRole
from cloudcost.settings import Settings

MARTS_SCHEMA = "marts"
BUILD_SUFFIX = "__build"
BUILD_SCHEMA = MARTS_SCHEMA + BUILD_SUFFIX
BUILD_SCHEMA_ENV = "CLOUDCOST_BUILD_SCHEMA_SUFFIX"
NEXT_SCHEMA = MARTS_SCHEMA + "__next"
RETIRED_SCHEMA = MARTS_SCHEMA + "__retired"
META_SCHEMA = "cloudcost_meta"
TEAMS_TABLE = "reader_teams"
POLICY = "cloudcost_team_rows"
TEAM_COLUMN = "team"
COMMENT_PREFIX = "cloudcost published at "
PUBLISH_LOCK = 0x636C6F7564  # pg_advisory_xact_lock key: one publication at a time
REFERENCE_MARTS = frozenset(
    {"dim_account", "dim_account_payer", "dim_host_type", "dim_functional_group", "metricflow_time_spine"}
)
DBT_LEFTOVER = re.compile(r"__dbt_(tmp|backup)$")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")

TEAM_POLICY_SQL = (
    "create policy {policy} on {schema}.{table} for select using ("
    "{team} in (select reader_teams.team from {meta}.{teams} as reader_teams "
    "where reader_teams.role_name = current_user::text) "
    "or exists (select from {meta}.{teams} as reader_teams "
    "where reader_teams.role_name = current_user::text and reader_teams.team = '*'))"
)


@dataclass(frozen=True)
class Relation:
    name: str
    has_team: bool
    is_view: bool = False


def _ident(*names: str) -> Any:
    from psycopg2 import sql

    return sql.SQL(".").join(sql.Identifier(name) for name in names)


def _run(cur: Any, statement: str, **identifiers: str) -> None:
    from psycopg2 import sql

    cur.execute(sql.SQL(statement).format(**{key: sql.Identifier(value) for key, value in identifiers.items()}))


def schema_exists(cur: Any, schema: str) -> bool:
    cur.execute("select 1 from pg_namespace where nspname = %s", (schema,))
    return cur.fetchone() is not None


def relations(cur: Any, schema: str) -> list[Relation]:
    """Tables and views of ``schema`` (dbt's leftovers of an interrupted run excluded), with a team flag."""
    cur.execute(
        "select c.relname, exists (select from pg_attribute a where a.attrelid = c.oid and a.attname = %s "
        "and a.attnum > 0 and not a.attisdropped), c.relkind = 'v' "
        "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = %s and c.relkind in ('r', 'p', 'v', 'm') order by c.relname",
        (TEAM_COLUMN, schema),
    )
    return [
        Relation(name, bool(team), bool(view))
        for name, team, view in cur.fetchall()
        if _IDENTIFIER.match(name) and not DBT_LEFTOVER.search(name)
    ]


def _copy_comments(cur: Any, source: str, destination: str) -> None:
    from psycopg2 import sql

    cur.execute(
        "select c.relname, a.attname, d.description from pg_description d "
        "join pg_class c on c.oid = d.objoid and d.classoid = 'pg_class'::regclass "
        "join pg_namespace n on n.oid = c.relnamespace "
        "left join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid "
        "where n.nspname = %s and (d.objsubid = 0 or a.attname is not null)",
        (source,),
    )
    for table, column, text in cur.fetchall():
        if not _IDENTIFIER.match(table) or DBT_LEFTOVER.search(table):
            continue
        target = _ident(destination, table) if column is None else _ident(destination, table, column)
        kind = sql.SQL("table" if column is None else "column")
        cur.execute(sql.SQL("comment on {} {} is {}").format(kind, target, sql.Literal(text)))


def copy_schema(cur: Any, source: str, destination: str) -> list[Relation]:
    """A fresh ``destination`` holding a table for every table or view of ``source`` (tables only, so no view
    can read around a policy)."""
    _run(cur, "drop schema if exists {schema} cascade", schema=destination)
    _run(cur, "create schema {schema}", schema=destination)
    found = relations(cur, source)
    for relation in found:
        _run(
            cur, "create table {dest}.{table} as table {src}.{table}", dest=destination, src=source, table=relation.name
        )
    _copy_comments(cur, source, destination)
    return found


def sync_reader_teams(cur: Any, roles: Sequence[ReaderRole]) -> None:
    """Replace ``cloudcost_meta.reader_teams`` with ``roles``, plus the publishing user as Finance (it owns the
    tables, and FORCE ROW LEVEL SECURITY applies to the owner too). Each role reads only its own mapping."""
    _run(cur, "create schema if not exists {meta}", meta=META_SCHEMA)
    _run(
        cur,
        "create table if not exists {meta}.{teams} (role_name text not null, team text not null)",
        meta=META_SCHEMA,
        teams=TEAMS_TABLE,
    )
    _run(cur, "delete from {meta}.{teams}", meta=META_SCHEMA, teams=TEAMS_TABLE)
    cur.execute("select current_user::text")
    owner = cur.fetchone()[0]
    rows = sorted({(role.role, role.team) for role in roles} | {(owner, ALL_TEAMS)})
    from psycopg2 import sql

    cur.executemany(
        sql.SQL("insert into {} (role_name, team) values (%s, %s)").format(_ident(META_SCHEMA, TEAMS_TABLE)), rows
    )
    _run(cur, "alter table {meta}.{teams} enable row level security", meta=META_SCHEMA, teams=TEAMS_TABLE)
    _run(
        cur,
        "drop policy if exists {policy} on {meta}.{teams}",
        policy="own_mapping",
        meta=META_SCHEMA,
        teams=TEAMS_TABLE,
    )
    _run(
        cur,
        "create policy {policy} on {meta}.{teams} for select using (role_name = current_user::text)",
        policy="own_mapping",
        meta=META_SCHEMA,
        teams=TEAMS_TABLE,
    )
    ensure_status_table(cur)
    for role in sorted({role.role for role in roles}):
        _run(cur, "grant usage on schema {meta} to {role}", meta=META_SCHEMA, role=role)
        _run(
            cur,
            "grant select on {meta}.{teams}, {meta}.{status} to {role}",
            meta=META_SCHEMA,
            teams=TEAMS_TABLE,
            status="build_status",
            role=role,
        )


def secure_schema(cur: Any, schema: str, roles: Sequence[ReaderRole]) -> list[Relation]:
    """Privileges and row-level security on every relation of ``schema`` (policies recreated)."""
    found = relations(cur, schema)
    finance = sorted({role.role for role in roles if role.team == ALL_TEAMS})
    teams_only = sorted({role.role for role in roles} - set(finance))
    for role in [*finance, *teams_only]:
        _run(cur, "grant usage on schema {schema} to {role}", schema=schema, role=role)
    for relation in found:
        readers = finance + (teams_only if relation.has_team or relation.name in REFERENCE_MARTS else [])
        if relation.is_view:  # a view reads its tables with the reader's rights, policies included
            _run(cur, "alter view {schema}.{table} set (security_invoker = true)", schema=schema, table=relation.name)
        elif relation.has_team:
            _row_security(cur, schema, relation.name)
        for role in readers:
            _run(cur, "grant select on {schema}.{table} to {role}", schema=schema, table=relation.name, role=role)
    return found


def _row_security(cur: Any, schema: str, table: str) -> None:
    _run(cur, "alter table {schema}.{table} enable row level security", schema=schema, table=table)
    _run(cur, "alter table {schema}.{table} force row level security", schema=schema, table=table)
    _run(cur, "drop policy if exists {policy} on {schema}.{table}", policy=POLICY, schema=schema, table=table)
    _run(
        cur,
        TEAM_POLICY_SQL,
        policy=POLICY,
        schema=schema,
        table=table,
        team=TEAM_COLUMN,
        meta=META_SCHEMA,
        teams=TEAMS_TABLE,
    )


def _stamp(cur: Any, published_at: datetime) -> None:
    from psycopg2 import sql

    cur.execute(
        sql.SQL("comment on schema {} is {}").format(
            sql.Identifier(MARTS_SCHEMA), sql.Literal(f"{COMMENT_PREFIX}{published_at.isoformat(sep=' ')}")
        )
    )


def publish_schema(con: Any, roles: Sequence[ReaderRole], status: BuildStatus) -> list[str]:
    """Publish ``marts__build`` as ``marts`` (or secure ``marts`` in place when dbt wrote it directly, e.g. a
    plain `dbt build`) in one transaction; returns the published relation names."""
    from cloudcost.pg_roles import ensure_team_roles

    with con.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(%s)", (PUBLISH_LOCK,))
        ensure_team_roles(cur, [role for role in roles])
        _run(cur, "drop schema if exists {schema} cascade", schema=RETIRED_SCHEMA)  # an interrupted publication
        sync_reader_teams(cur, roles)
        swapped = schema_exists(cur, BUILD_SCHEMA)
        if swapped:
            copy_schema(cur, BUILD_SCHEMA, NEXT_SCHEMA)
            if schema_exists(cur, MARTS_SCHEMA):
                _run(cur, "alter schema {old} rename to {retired}", old=MARTS_SCHEMA, retired=RETIRED_SCHEMA)
            _run(cur, "alter schema {next} rename to {marts}", next=NEXT_SCHEMA, marts=MARTS_SCHEMA)
        elif not schema_exists(cur, MARTS_SCHEMA):
            _run(cur, "create schema {marts}", marts=MARTS_SCHEMA)
        published = secure_schema(cur, MARTS_SCHEMA, roles)
        _stamp(cur, status.built_at)
        insert_status(cur, status)
    con.commit()
    if swapped:  # readers of the old tables finish first; a leftover is dropped by the next publication
        with con.cursor() as cur:
            _run(cur, "drop schema if exists {schema} cascade", schema=RETIRED_SCHEMA)
        con.commit()
    return [relation.name for relation in published]


def record_failed_build(settings: Settings, status: BuildStatus) -> None:
    """Record a build that is not published (the published schema is not touched)."""
    from cloudcost.warehouse import connect

    with connect(settings) as con:
        with con.cursor() as cur:
            insert_status(cur, status)
        con.commit()
