"""Helpers for the publishing tests (no tests here): `cloudcost build` as a user runs it, and what readers see.

The builds use the restatement fixture (tests/fixtures/finance/restatement): a closed February that a later
delivery changes, so the closed-period check — a money check — fails for real until Finance signs it off.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from test_finance_harness import FINANCE_FIXTURES, RECONCILIATION_SELECTION

from cloudcost.settings import PROJECT_ROOT, Settings

SCENARIO = FINANCE_FIXTURES / "restatement"
CLOSE_CHECK = "assert_closed_periods_are_reconciled"


def role_prefix() -> str:
    """Roles are shared by every database of the server: prefix them like the test databases."""
    prefix = re.sub(r"[^a-z0-9_]", "_", os.environ.get("CLOUDCOST_TEST_DB_PREFIX", "").lower())
    return f"{prefix}cc_" if prefix else "cc_test_"


def build_env(settings: Settings, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "CLOUDCOST_DASHBOARD_DB"}
    env.update(
        {
            "CLOUDCOST_TARGET": settings.target,
            "CLOUDCOST_DUCKDB_PATH": str(settings.duckdb_path),
            "PGHOST": settings.pg_host,
            "PGPORT": str(settings.pg_port),
            "PGUSER": settings.pg_user,
            "PGPASSWORD": settings.pg_password,
            "PGDATABASE": settings.pg_database,
            "DBT_TARGET_PATH": str(tmp_path / "build-target"),
            "DBT_LOG_PATH": str(tmp_path / "build-logs"),
            "DBT_INDIRECT_SELECTION": "cautious",
            **extra,
        }
    )
    return env


def build_command(select: str | None = " ".join(RECONCILIATION_SELECTION)) -> list[str]:
    command = [sys.executable, "-m", "cloudcost.cli", "build"]
    return command + (["--select", select] if select else [])


def cloudcost_build(env: dict[str, str], select: str | None = " ".join(RECONCILIATION_SELECTION)) -> tuple[int, str]:
    """Run `cloudcost build`; returns (exit code, stdout + stderr)."""
    done = subprocess.run(build_command(select), cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def duckdb_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def pg_rows(settings: Settings, sql: str, user: str | None = None, role: str | None = None) -> list[tuple[Any, ...]]:
    """Rows of one query on the settings' database, as ``user`` (default: the owner), after SET ROLE ``role``."""
    import psycopg2
    from psycopg2 import sql as pgsql

    dsn = (
        settings.pg_dsn
        if user is None
        else (f"host={settings.pg_host} port={settings.pg_port} dbname={settings.pg_database} user={user}")
    )
    con = psycopg2.connect(dsn)
    try:
        with con.cursor() as cur:
            if role:
                cur.execute(pgsql.SQL("set role {}").format(pgsql.Identifier(role)))
            cur.execute(sql)
            return cur.fetchall()
    finally:
        con.close()


# What readers see of the restatement scenario's marts, in a stable order
RECONCILIATION_SQL = "select invoice_id, status from marts.fct_invoice_reconciliation order by invoice_id"
RESTATEMENTS_SQL = (
    "select account_id, service_code, line_item_type, cast(unblended_cost_delta as double precision) "
    "from marts.fct_cur_restatements where is_changed order by 1, 2, 3"
)
CLOSE_STATUS_SQL = "select cast(billing_period as varchar), close_status from marts.fct_period_close_status order by 1"
