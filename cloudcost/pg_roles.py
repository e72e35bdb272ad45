"""The Postgres roles that read the published marts: Finance (every row) and one role per team (its rows).

- The **Finance reader** (``CLOUDCOST_READER_USER``, default ``cloudcost_reader``) is the role the dashboard
  connects as. It reads every published mart and nothing else (no raw, staging, intermediate, seeds, snapshots
  or build schema, no CREATE anywhere). ``ensure_reader_role`` creates it (LOGIN; password from
  ``CLOUDCOST_READER_PASSWORD``, or none where the server trusts local connections).
- **Team roles** come from the company folder's ``reader_roles.csv`` (``role,team``; team ``*`` = Finance).
  Missing roles are created as LOGIN roles without a password (an administrator sets one, or grants the role to
  a login that the dashboard uses with ``SET ROLE``, see ``CLOUDCOST_READER_ROLE``). A superuser or a role with
  BYPASSRLS would see every row whatever the policies say, so such a role is refused.

Privileges and row-level security on the marts are (re)applied by ``cloudcost.pg_publish`` each time a build is
published, inside the transaction that swaps the published schema in.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

from cloudcost.reader_roles import ALL_TEAMS, ReaderRole, ReaderRolesError, company_reader_roles
from cloudcost.settings import Settings, load_settings

READER_USER_ENV = "CLOUDCOST_READER_USER"
READER_PASSWORD_ENV = "CLOUDCOST_READER_PASSWORD"
READER_ROLE_ENV = "CLOUDCOST_READER_ROLE"
DEFAULT_READER = "cloudcost_reader"
MARTS_SCHEMA = "marts"

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def reader_role_name() -> str:
    """The Finance reader's name: ``CLOUDCOST_READER_USER`` or ``cloudcost_reader``."""
    name = os.environ.get(READER_USER_ENV, DEFAULT_READER)
    if not _ROLE_NAME.match(name):
        raise ValueError(f"{READER_USER_ENV} must be a plain lower-case role name, not {name!r}")
    return name


def session_role_name() -> str | None:
    """The role the dashboard switches to after connecting (``CLOUDCOST_READER_ROLE``), or None."""
    name = os.environ.get(READER_ROLE_ENV, "").strip()
    if not name:
        return None
    if not _ROLE_NAME.match(name):
        raise ValueError(f"{READER_ROLE_ENV} must be a plain lower-case role name, not {name!r}")
    return name


def reader_password() -> str | None:
    return os.environ.get(READER_PASSWORD_ENV) or None


def reader_roles(settings: Settings) -> list[ReaderRole]:
    """Every role that reads the marts: the Finance reader, then the company folder's reader_roles.csv."""
    return [ReaderRole(reader_role_name(), ALL_TEAMS), *company_reader_roles(settings.company_dir)]


def create_login_role(cur: Any, role: str, password: str | None = None, update: bool = False) -> None:
    """Create ``role`` as a plain LOGIN role (no superuser, no BYPASSRLS) if missing; ``update`` resets an
    existing one's attributes and password too."""
    from psycopg2 import sql

    if not _ROLE_NAME.match(role):
        raise ValueError(f"not a plain lower-case role name: {role!r}")
    cur.execute("select 1 from pg_roles where rolname = %s", (role,))
    exists = cur.fetchone() is not None
    if exists and not update:
        return
    verb = sql.SQL("alter" if exists else "create")
    options = sql.SQL("login nosuperuser nocreatedb nocreaterole noinherit nobypassrls")
    secret = sql.SQL("null") if password is None else sql.Literal(password)
    cur.execute(sql.SQL("{} role {} {} password {}").format(verb, sql.Identifier(role), options, secret))


def ensure_team_roles(cur: Any, roles: Iterable[ReaderRole]) -> None:
    """Create missing team roles; refuse one that would bypass row-level security."""
    for name in sorted({entry.role for entry in roles}):
        create_login_role(cur, name)
        cur.execute("select rolsuper or rolbypassrls from pg_roles where rolname = %s", (name,))
        if cur.fetchone()[0]:
            raise ReaderRolesError(
                "this role is a superuser or has BYPASSRLS, so it would read every team's rows",
                file="reader_roles.csv",
                column="role",
                value=name,
                fix="Use a plain role (ALTER ROLE … NOSUPERUSER NOBYPASSRLS) or another name",
            )


def ensure_reader_role(settings: Settings | None = None, role: str | None = None) -> str:
    """Create (or update) the Finance reader and the company's team roles; returns the Finance reader's name."""
    from cloudcost.warehouse import connect, ensure_postgres_database

    settings = settings or load_settings("postgres")
    role = role or reader_role_name()
    if not _ROLE_NAME.match(role):
        raise ValueError(f"not a plain lower-case role name: {role!r}")
    teams = company_reader_roles(settings.company_dir)
    ensure_postgres_database(settings)
    with connect(settings) as con:
        with con.cursor() as cur:
            create_login_role(cur, role, reader_password(), update=True)
            ensure_team_roles(cur, teams)
        con.commit()
    return role


def main() -> None:
    """`python -m cloudcost.pg_roles`: create the dashboard's read-only roles in $PGDATABASE."""
    role = ensure_reader_role()
    print(f"role {role} can read schema {MARTS_SCHEMA} of the configured database once a build is published")


if __name__ == "__main__":
    main()
