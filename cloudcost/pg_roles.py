"""The Postgres role the dashboard connects as: it can read the marts and nothing else.

``ensure_reader_role`` creates the role (LOGIN; password from ``CLOUDCOST_READER_PASSWORD``, or none
where the server trusts local connections) and gives it USAGE on the marts schema and SELECT on its
tables. Default privileges make the tables that the building user creates there later readable too
(dbt recreates them on every build). The role gets nothing on raw, staging, intermediate, seeds or
snapshots, and no CREATE anywhere. Run it once per database before the first build (it is idempotent);
``cloudcost.publish`` grants again after each build as a backstop.
"""

from __future__ import annotations

import os
import re
from typing import Any

from cloudcost.settings import Settings, load_settings

READER_USER_ENV = "CLOUDCOST_READER_USER"
READER_PASSWORD_ENV = "CLOUDCOST_READER_PASSWORD"
DEFAULT_READER = "cloudcost_reader"
MARTS_SCHEMA = "marts"

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def reader_role_name() -> str:
    """The reader role's name: ``CLOUDCOST_READER_USER`` or ``cloudcost_reader``."""
    name = os.environ.get(READER_USER_ENV, DEFAULT_READER)
    if not _ROLE_NAME.match(name):
        raise ValueError(f"{READER_USER_ENV} must be a plain lower-case role name, not {name!r}")
    return name


def reader_password() -> str | None:
    return os.environ.get(READER_PASSWORD_ENV) or None


def grant_reader(con: Any, role: str, schema: str = MARTS_SCHEMA) -> None:
    """USAGE on ``schema``, SELECT on its tables and views, now and for tables created later by this user."""
    from psycopg2 import sql

    statements = [
        "create schema if not exists {schema}",
        "grant usage on schema {schema} to {role}",
        "grant select on all tables in schema {schema} to {role}",
        "alter default privileges in schema {schema} grant select on tables to {role}",
    ]
    with con.cursor() as cur:
        for statement in statements:
            cur.execute(sql.SQL(statement).format(schema=sql.Identifier(schema), role=sql.Identifier(role)))


def ensure_reader_role(settings: Settings | None = None, role: str | None = None) -> str:
    """Create (or update) the read-only role in the configured Postgres database; returns its name."""
    from psycopg2 import sql

    from cloudcost.warehouse import connect, ensure_postgres_database

    settings = settings or load_settings("postgres")
    role = role or reader_role_name()
    if not _ROLE_NAME.match(role):
        raise ValueError(f"not a plain lower-case role name: {role!r}")
    password = reader_password()
    ensure_postgres_database(settings)
    with connect(settings) as con:
        with con.cursor() as cur:
            cur.execute("select 1 from pg_roles where rolname = %s", (role,))
            verb = "alter" if cur.fetchone() else "create"
            options = sql.SQL("login nosuperuser nocreatedb nocreaterole noinherit")
            if password is None:
                cur.execute(sql.SQL(f"{verb} role {{}} {{}} password null").format(sql.Identifier(role), options))
            else:
                cur.execute(
                    sql.SQL(f"{verb} role {{}} {{}} password {{}}").format(
                        sql.Identifier(role), options, sql.Literal(password)
                    )
                )
        grant_reader(con, role)
        con.commit()
    return role


def main() -> None:
    """`python -m cloudcost.pg_roles`: create the dashboard's read-only role in $PGDATABASE."""
    role = ensure_reader_role()
    print(f"role {role} can read schema {MARTS_SCHEMA} of the configured database, and nothing else")


if __name__ == "__main__":
    main()
