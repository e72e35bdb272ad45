"""Did the latest build pass the checks that guard money, and which failed: the publishing gate and its record.

Readers see a build only when the money and close checks of that build passed (DESIGN.md §6). A *money check*
is a dbt test tagged ``money``: the conservation tests (every ``totals_match``), the cash bridge, the layer list,
unknown line item types and the finance tests (reconciliation, the close, the ledger) carry the tag by folder
and name in ``dbt_project.yml``; a new test joins the gate by getting the tag. A model, seed or snapshot that
failed to build blocks publishing too (its marts would be missing or stale).

Every build's outcome is recorded where the dashboard reads it, so it can say "the latest build failed checks":
beside the published DuckDB copy (``<copy>.build-status.json``, swapped in atomically) or in the Postgres table
``cloudcost_meta.build_status`` (one row per build, readable by every reader role).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cloudcost.test_split import is_money_check  # the one rule: which tests guard money

BUILT_RESOURCES = frozenset({"model", "seed", "snapshot"})
META_SCHEMA = "cloudcost_meta"
STATUS_TABLE = "build_status"


@dataclass(frozen=True)
class BuildStatus:
    """One build: when it ended, whether readers may see it, and the checks (or nodes) that stopped it."""

    built_at: datetime
    passed: bool
    failing_checks: tuple[str, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        return ", ".join(self.failing_checks) if self.failing_checks else "none"


def now() -> datetime:
    """UTC, naive, to the second (as the publication stamp)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _node(result: Any) -> Any:
    return getattr(result, "node", None)


def gate(results: Sequence[Any]) -> BuildStatus:
    """The build's status from dbt's node results: passed unless a money check failed or a build node errored."""
    blocking: list[str] = []
    for result in results:
        node = _node(result)
        status = str(getattr(result, "status", "")).lower()
        kind = getattr(node, "resource_type", None)
        if kind in BUILT_RESOURCES and status == "error":
            blocking.append(f"{getattr(node, 'name', '?')} (not built)")
        elif is_money_check(node) and status in {"fail", "error"}:
            blocking.append(str(getattr(node, "name", "?")))
    return BuildStatus(now(), not blocking, tuple(blocking))


def failed_build(reason: str) -> BuildStatus:
    """A build that ended without dbt results (e.g. dbt seed failed, or dbt could not start)."""
    return BuildStatus(now(), False, (reason,))


# --- DuckDB: a small file beside the published copy ---------------------------------------------------------


def status_path(published: Path) -> Path:
    """``cloudcost.duckdb`` → ``cloudcost.build-status.json`` in the same folder."""
    return published.with_name(f"{published.stem}.build-status.json")


def write_status_file(published: Path, status: BuildStatus) -> Path:
    """Write the status atomically (temporary file, fsync, rename) beside the published copy."""
    path = status_path(published)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    payload = {**asdict(status), "built_at": status.built_at.isoformat(), "failing_checks": list(status.failing_checks)}
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(payload, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return path


def read_status_file(published: Path) -> BuildStatus | None:
    """The latest build's status, or None when there is none (or it cannot be read)."""
    try:
        payload = json.loads(status_path(published).read_text(encoding="utf-8"))
        return BuildStatus(
            datetime.fromisoformat(payload["built_at"]),
            bool(payload["passed"]),
            tuple(str(check) for check in payload.get("failing_checks", [])),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --- Postgres: cloudcost_meta.build_status ----------------------------------------------------------------------


def ensure_status_table(cur: Any) -> None:
    from psycopg2 import sql

    cur.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(META_SCHEMA)))
    cur.execute(
        sql.SQL(
            "create table if not exists {}.{} (built_at timestamp not null, passed boolean not null, "
            "failing_checks text not null)"
        ).format(sql.Identifier(META_SCHEMA), sql.Identifier(STATUS_TABLE))
    )


def insert_status(cur: Any, status: BuildStatus) -> None:
    """Record the build (inside the caller's transaction)."""
    from psycopg2 import sql

    ensure_status_table(cur)
    cur.execute(
        sql.SQL("insert into {}.{} (built_at, passed, failing_checks) values (%s, %s, %s)").format(
            sql.Identifier(META_SCHEMA), sql.Identifier(STATUS_TABLE)
        ),
        (status.built_at, status.passed, "\n".join(status.failing_checks)),
    )


LATEST_STATUS_SQL = (
    f"select built_at, passed, failing_checks from {META_SCHEMA}.{STATUS_TABLE} "
    "order by built_at desc, passed asc limit 1"
)


def status_from_row(row: Sequence[Any] | None) -> BuildStatus | None:
    if not row:
        return None
    checks = tuple(line for line in str(row[2] or "").splitlines() if line)
    return BuildStatus(row[0], bool(row[1]), checks)
