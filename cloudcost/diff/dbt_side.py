"""Run dbt for one side of a comparison (the base ref or the working tree) in its own scratch folders.

Each side has its own project copy, target path, log path and warehouse (DuckDB file, or schema prefix on
Postgres), so the two builds never touch each other, the user's checkout or the user's warehouse tables.
dbt runs in-process; its console output is replaced by short progress lines on stderr.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from cloudcost.company import place_company_seeds
from cloudcost.company.folder import SEEDS_ENV, SEEDS_FOLDER
from cloudcost.dbt_runner import profiles_dir
from cloudcost.diff.company import uses_company_seeds
from cloudcost.settings import Settings

SCHEMA_PREFIX_ENV = "CLOUDCOST_DIFF_SCHEMA_PREFIX"


@dataclass
class Side:
    """One build: ``label`` is 'base' or 'head'."""

    label: str
    project_dir: Path
    work_dir: Path
    settings: Settings
    schema_prefix: str = ""
    company_dir: Path | None = None  # the company folder this side builds with (None = the neutral starter)

    @property
    def target_path(self) -> Path:
        return self.work_dir / "target"

    @property
    def log_path(self) -> Path:
        return self.work_dir / "logs"

    @property
    def manifest_path(self) -> Path:
        return self.target_path / "manifest.json"

    def manifest(self) -> dict[str, Any] | None:
        """The side's manifest.json as parsed JSON, None when dbt did not write one."""
        if not self.manifest_path.exists():
            return None
        return json.loads(self.manifest_path.read_text())


@dataclass
class DbtCall:
    """What one dbt invocation returned, with the errors dbt reported on the way."""

    success: bool
    result: Any
    exception: BaseException | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failed_nodes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"{unique_id} failed" for unique_id in self.failed_nodes] + self.errors
        if self.exception is not None:
            parts.append(str(self.exception))
        return "\n  ".join(dict.fromkeys(part.strip() for part in parts if part.strip())) or "see the dbt log"


@contextlib.contextmanager
def _side_environment(side: Side) -> Iterator[None]:
    """Point the dbt profile at this side's warehouse for the duration of one call."""
    # relative to the project copy (dbt runs from there): the same text on both sides, so the profile is the
    # same and the working tree's parse can start from the base's partial parse
    duckdb_path = os.path.relpath(side.settings.duckdb_path, side.project_dir)
    wanted = {
        "CLOUDCOST_TARGET": side.settings.target,
        "CLOUDCOST_DUCKDB_PATH": duckdb_path,
        SCHEMA_PREFIX_ENV: side.schema_prefix,
        "PGHOST": side.settings.pg_host,
        "PGPORT": str(side.settings.pg_port),
        "PGUSER": side.settings.pg_user,
        "PGPASSWORD": side.settings.pg_password,
        "PGDATABASE": side.settings.pg_database,
        SEEDS_ENV: str(SEEDS_FOLDER),  # the side's own company seeds (relative to its project copy)
    }
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _progress_callback(side: Side, call: DbtCall, show_progress: bool) -> Any:
    counter = {"done": 0}

    def on_event(event: Any) -> None:
        name = event.info.name
        level = str(event.info.level)
        if name == "NodeFinished":
            node = event.data.node_info
            counter["done"] += 1
            status = node.node_status
            if status in {"error", "fail", "runtime error"}:
                call.failed_nodes.append(node.unique_id)
            if show_progress:
                click.echo(f"  [{side.label}] {counter['done']:>4} {status:<8} {node.unique_id}", err=True)
        elif level == "warn" and event.info.msg:
            call.warnings.append(event.info.msg)
        elif level == "error" and event.info.msg:
            call.errors.append(event.info.msg)
            click.echo(f"  [{side.label}] dbt error: {event.info.msg}", err=True)

    return on_event


def reuse_partial_parse(source: Side, destination: Side) -> None:
    """Start the destination's parse from the source's (same profile, same paths relative to the project).

    dbt then re-reads only the files that differ between the two trees; it reparses everything itself when
    the profile, vars or dbt_project.yml differ.
    """
    saved = source.target_path / "partial_parse.msgpack"
    if saved.exists():
        destination.target_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(saved, destination.target_path / "partial_parse.msgpack")


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open after an in-process run.

    dbt-duckdb holds one environment per process until exit; the scratch file must be closed (and
    checkpointed) before it is copied for the other side or attached for the comparison.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    try:
        environment = DuckDBConnectionManager.env()
    except Exception:  # no environment was opened (e.g. dbt parse)
        environment = None
    DuckDBConnectionManager.close_all_connections()
    if environment is not None:
        environment.close()


def run_dbt_side(side: Side, args: Sequence[str], show_progress: bool = True) -> DbtCall:
    """Invoke dbt (``args`` like ``["build", "--select", ...]``) for this side; never raises on dbt errors."""
    from dbt.cli.main import dbtRunner

    side.work_dir.mkdir(parents=True, exist_ok=True)
    if uses_company_seeds(side.project_dir):
        place_company_seeds(side.company_dir, side.project_dir)
    if side.settings.target == "duckdb":
        side.settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    call = DbtCall(success=False, result=None, exception=None)
    full_args = [
        *args,
        "--project-dir",
        str(side.project_dir),
        "--profiles-dir",
        str(profiles_dir()),
        "--target",
        side.settings.target,
        "--target-path",
        str(side.target_path),
        "--log-path",
        str(side.log_path),
        "--log-level",
        "none",
        "--log-level-file",
        "debug",
    ]
    started = time.perf_counter()
    runner = dbtRunner(callbacks=[_progress_callback(side, call, show_progress)])
    cwd = Path.cwd()
    with _side_environment(side), contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
        # third-party warnings (agate type hints for seed columns) are not the user's business here
        warnings.simplefilter("ignore")
        os.chdir(side.project_dir)
        try:
            outcome = runner.invoke(full_args)
        finally:
            os.chdir(cwd)
    if side.settings.target == "duckdb":
        release_duckdb()
    call.success = bool(outcome.success)
    call.result = outcome.result
    call.exception = outcome.exception
    if show_progress:
        state = "done" if call.success else "FAILED"
        click.echo(f"  [{side.label}] dbt {args[0]} {state} in {time.perf_counter() - started:.1f}s", err=True)
    return call
