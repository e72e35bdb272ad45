"""Run dbt against the configured target, from the project root, with the project's profiles."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudcost.resources import duckdb_resources
from cloudcost.settings import PROJECT_ROOT, Settings, load_settings

PROFILES_EXAMPLE = PROJECT_ROOT / "profiles.example.yml"


def profiles_dir() -> Path:
    """The folder holding profiles.yml that dbt should use.

    A user's own ``profiles.yml`` in the project root wins, then ``DBT_PROFILES_DIR``; otherwise the
    checked-in ``profiles.example.yml`` is used as it is (copied to ``.cloudcost/profiles/``, because dbt
    only reads a file named profiles.yml).
    """
    if (PROJECT_ROOT / "profiles.yml").exists():
        return PROJECT_ROOT
    if os.environ.get("DBT_PROFILES_DIR"):
        return Path(os.environ["DBT_PROFILES_DIR"])
    folder = PROJECT_ROOT / ".cloudcost" / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "profiles.yml"
    example = PROFILES_EXAMPLE.read_text()
    if not target.exists() or target.read_text() != example:
        # written aside and renamed: a dbt run in another process never reads a half-written file
        written = target.with_name(f".profiles.{os.getpid()}.yml")
        written.write_text(example)
        written.replace(target)
    return folder


WRITING_COMMANDS = frozenset({"build", "run", "seed", "snapshot"})
# dbt commands that open no warehouse connection (no Spark session, no catalog lock)
OFFLINE_COMMANDS = frozenset({"parse", "ls", "list", "compile", "docs", "deps", "clean", "debug"})


@dataclass
class DbtOutcome:
    success: bool
    results: list[Any]
    exception: BaseException | None
    result: Any = None  # dbt's own result object (e.g. the Manifest of `parse`)

    def nodes(self) -> list[Any]:
        """Results of the project's nodes (models, seeds, snapshots, tests), not of its run hooks."""
        return [r for r in self.results if getattr(getattr(r, "node", None), "resource_type", "") != "operation"]

    def failures(self) -> list[Any]:
        """Nodes that errored or whose tests failed."""
        return [r for r in self.results if str(getattr(r, "status", "")).lower() in {"error", "fail"}]


def export_settings(settings: Settings) -> None:
    """Make the dbt profile see the same target and paths as the CLI (absolute DuckDB path)."""
    os.environ["CLOUDCOST_TARGET"] = settings.target
    os.environ["CLOUDCOST_DUCKDB_PATH"] = str(settings.duckdb_path)
    os.environ["CLOUDCOST_SPARK_WAREHOUSE"] = str(settings.spark_warehouse)
    if settings.target == "spark":
        settings.spark_warehouse.mkdir(parents=True, exist_ok=True)
    else:
        settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    # the profile's DuckDB settings (memory limit, threads, spill folder): the loader's, for the same warehouse
    os.environ.update(duckdb_resources(settings.duckdb_path).environment())
    if settings.target == "postgres":
        # the profile reads PG*: without these, an in-process run for settings naming another database (a
        # test's own) would build into $PGDATABASE's (default cloudcost) while the loader wrote to the right one
        os.environ["PGHOST"] = settings.pg_host
        os.environ["PGPORT"] = str(settings.pg_port)
        os.environ["PGUSER"] = settings.pg_user
        os.environ["PGDATABASE"] = settings.pg_database


def warehouse_key(settings: Settings) -> str:
    """A folder name that stands for one warehouse: engine, a readable name and a hash of where it is."""
    if settings.target == "postgres":
        where = f"{settings.pg_host}:{settings.pg_port}/{settings.pg_database}"
        name = settings.pg_database
    elif settings.target == "spark":
        where = str(settings.spark_warehouse.resolve())
        name = settings.spark_warehouse.name
    else:
        where = str(settings.duckdb_path.resolve())
        name = settings.duckdb_path.stem
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:40]
    return f"{settings.target}-{readable}-{hashlib.sha256(where.encode()).hexdigest()[:10]}"


def dbt_target_path(settings: Settings) -> Path:
    """dbt's target folder for this warehouse: ``$DBT_TARGET_PATH`` when set, else ``target/<warehouse key>``.

    dbt 1.11 throws its saved parse (``partial_parse.msgpack``) away whenever a connection setting such as
    the DuckDB path differs from the run that saved it; one folder per warehouse keeps partial parsing
    across runs on each of them (a full parse costs 6-20 s)."""
    configured = os.environ.get("DBT_TARGET_PATH")
    if configured:
        path = Path(configured)
        return path if path.is_absolute() else PROJECT_ROOT / path
    return PROJECT_ROOT / "target" / warehouse_key(settings)


def run_dbt(
    args: Sequence[str],
    settings: Settings | None = None,
    target_path: Path | None = None,
    quiet: bool = False,
    manifest: Any | None = None,
) -> DbtOutcome:
    """Run one dbt command in-process (dbt's programmatic runner) from the project root.

    Pass the Manifest of an earlier `parse` (its ``result``) as ``manifest`` to skip parsing: repeated runs
    with different ``--vars`` then cost no re-parse. ``target_path`` defaults to the warehouse's own folder
    (``dbt_target_path``). A command that writes relations (build, run, seed, snapshot) forgets the
    warehouse's record of its last complete build, so the next `cloudcost build` does the work again.
    """
    from dbt.cli.main import dbtRunner

    settings = settings or load_settings()
    export_settings(settings)
    # the company folder (or the neutral starter), validated, becomes the company seeds dbt reads: a folder of
    # its own per company folder, named to dbt for this run only
    from cloudcost.company.folder import SEEDS_ENV, company_seeds_folder, place_company_seeds

    seeds_folder = company_seeds_folder(PROJECT_ROOT, settings.company_dir)
    place_company_seeds(settings.company_dir, PROJECT_ROOT, seeds_folder)
    if settings.target == "postgres":
        from cloudcost.warehouse import ensure_postgres_database

        ensure_postgres_database(settings)
    if settings.target == "spark" and args and args[0] not in OFFLINE_COMMANDS and "cloudcost_register_raw" not in args:
        from cloudcost.spark_session import prepare_spark

        # one parse for the registration and the command (each would parse again otherwise)
        manifest = manifest or run_dbt(["parse"], settings, target_path, quiet=True).result
        prepare_spark(settings, lambda op_args: run_dbt(op_args, settings, target_path, quiet=True, manifest=manifest))
    if args and args[0] in WRITING_COMMANDS:
        from cloudcost.build_state import forget_build

        forget_build(settings)
    full_args = [
        *args,
        "--project-dir",
        str(PROJECT_ROOT),
        "--profiles-dir",
        str(profiles_dir()),
        "--target",
        settings.target,
    ]
    full_args += ["--target-path", str(target_path or dbt_target_path(settings))]
    if quiet:
        full_args = ["--quiet", *full_args]
    cwd = Path.cwd()
    previous_seeds = os.environ.get(SEEDS_ENV)
    # relative to the project: dbt writes the compiled tests of a seed under target/ by the seed's path
    os.environ[SEEDS_ENV] = str(seeds_folder.relative_to(PROJECT_ROOT))
    os.chdir(PROJECT_ROOT)
    try:
        result = dbtRunner(manifest=manifest).invoke(full_args)
    finally:
        os.chdir(cwd)
        if previous_seeds is None:
            os.environ.pop(SEEDS_ENV, None)
        else:
            os.environ[SEEDS_ENV] = previous_seeds
    node_results = list(getattr(result.result, "results", []) or []) if result.result is not None else []
    return DbtOutcome(
        success=bool(result.success), results=node_results, exception=result.exception, result=result.result
    )


def dbt_executable() -> str:
    """The dbt command of the running environment (for subprocess use, e.g. by tests)."""
    candidate = Path(os.sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else (shutil.which("dbt") or "dbt")
