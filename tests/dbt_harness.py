"""Run the project's dbt models (and MetricFlow) against a scratch warehouse, for the dbt tests.

A ``DbtWorkspace`` is a temporary folder that links to the project's dbt folders, with its own profiles,
target and log folders, so tests never touch the project's ``target/`` or the user's warehouse. dbt and
``mf`` run as subprocesses (dbt keeps global state in-process).

A ``build`` in a workspace runs what the production build runs: the models with the money checks
(``cloudcost.test_split``); every other test runs once per engine in ``tests/test_check.py``. Pass
``all_tests=True`` to ``dbt`` when a test needs a per-column test or a unit test to run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudcost.company import place_company_seeds
from cloudcost.settings import Settings
from cloudcost.test_split import CHECK_ONLY_SELECTOR

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# the company folder of the real CUR samples (their mapping rules live with the tests that use them)
SAMPLES_COMPANY = PROJECT_ROOT / "tests" / "fixtures" / "companies" / "samples"
DBT_FOLDERS = ("models", "macros", "seeds", "data-tests", "docs", "snapshots", "analyses")
DBT_FILES = ("dbt_project.yml", "selectors.yml")
BIN_DIR = Path(sys.executable).parent

# The cost / allocation / usage models and everything they need (seeds, staging); cautious indirect selection
# keeps data tests that also depend on models outside this selection out of the run.
COST_SELECTION = (
    "+path:models/marts/cost",
    "+path:models/marts/dimensions",
    "+path:models/marts/semantic",
)


_CHECK_ONLY: list[str] = []  # the check-only tests' selectors, listed by the first workspace that builds


class DbtCommandError(AssertionError):
    """A dbt or mf command failed; the message carries its output."""


@dataclass
class DbtWorkspace:
    root: Path
    settings: Settings
    copied: tuple[str, ...] = ()
    company: Path | None = None

    @classmethod
    def create(
        cls, root: Path, settings: Settings, copied: Iterable[str] = (), company: Path | None = None
    ) -> DbtWorkspace:
        """Link the project's dbt folders into root (copy the folders named in ``copied``, to edit them).

        ``company`` is the company folder whose files become the company seeds (None = the neutral starter),
        validated and placed as the CLI does; after editing its files, call :meth:`place_company` again.
        """
        root.mkdir(parents=True, exist_ok=True)
        copied = tuple(copied)
        for name in DBT_FILES:
            if (PROJECT_ROOT / name).exists():
                (root / name).symlink_to(PROJECT_ROOT / name)
        for folder in DBT_FOLDERS:
            source = PROJECT_ROOT / folder
            if not source.exists():
                continue
            if folder in copied:
                shutil.copytree(source, root / folder)
            else:
                (root / folder).symlink_to(source, target_is_directory=True)
        profiles = root / "profiles"
        profiles.mkdir()
        shutil.copy(PROJECT_ROOT / "profiles.example.yml", profiles / "profiles.yml")
        workspace = cls(root=root, settings=settings, copied=copied, company=company)
        workspace.place_company()
        return workspace

    def place_company(self) -> None:
        """Validate the workspace's company folder and place its files where dbt reads them."""
        place_company_seeds(self.company, self.root)

    @property
    def profiles_dir(self) -> Path:
        return self.root / "profiles"

    def env(self) -> dict[str, str]:
        environment = dict(os.environ)
        environment.update(
            {
                "CLOUDCOST_TARGET": self.settings.target,
                "CLOUDCOST_DUCKDB_PATH": str(self.settings.duckdb_path),
                "PGHOST": self.settings.pg_host,
                "PGPORT": str(self.settings.pg_port),
                "PGUSER": self.settings.pg_user,
                "PGPASSWORD": self.settings.pg_password,
                "PGDATABASE": self.settings.pg_database,
                "DBT_PROFILES_DIR": str(self.profiles_dir),
                "DBT_PROJECT_DIR": str(self.root),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            }
        )
        environment.pop("CLOUDCOST_COMPANY_SEEDS", None)  # the workspace's own .cloudcost/company_seeds
        return environment

    def _run(self, executable: str, args: Sequence[str]) -> str:
        command = [str(BIN_DIR / executable), *args]
        completed = subprocess.run(command, cwd=self.root, env=self.env(), capture_output=True, text=True, check=False)
        output = completed.stdout + completed.stderr
        if completed.returncode != 0:
            raise DbtCommandError(
                f"`{' '.join(command[1:])}` failed (exit {completed.returncode}):\n{failure_summary(output)}"
            )
        return output

    def dbt(self, *args: str, all_tests: bool = False) -> str:
        """Run one dbt command in the workspace; raise DbtCommandError with its output when it fails.

        A ``build`` runs the money checks only (as `cloudcost build` does) unless ``all_tests``."""
        if args and args[0] == "build" and not all_tests and "--selector" not in args:
            args = self.without_check_only_tests(args)
        return self._run(
            "dbt",
            [
                *args,
                "--project-dir",
                str(self.root),
                "--profiles-dir",
                str(self.profiles_dir),
                "--target",
                self.settings.target,
                "--log-path",
                str(self.root / "logs"),
            ],
        )

    def without_check_only_tests(self, args: Sequence[str]) -> tuple[str, ...]:
        """The build's arguments with the tests of `cloudcost check` excluded (it runs the money checks only)."""
        names = self.check_only_tests()
        if "--exclude" in args:
            at = list(args).index("--exclude") + 1
            return (*args[:at], *names, *args[at:])
        return (*args, "--exclude", *names)

    def check_only_tests(self) -> list[str]:
        """The selectors of the tests a production build does not run (listed once per test process: every
        workspace links the same tests)."""
        if not _CHECK_ONLY:
            listed = self.dbt("ls", "--selector", CHECK_ONLY_SELECTOR, "--output", "selector", "--quiet")
            names = [line.strip() for line in listed.splitlines() if line.strip()]
            # unit tests by their type (a versioned model's unit test is listed under a name that does not select it)
            _CHECK_ONLY.extend(["test_type:unit", *(name for name in names if not name.startswith("unit_test:"))])
        return _CHECK_ONLY

    def dbt_cost_models(self, command: str, *args: str, all_tests: bool = False) -> str:
        """Run a dbt command (build / run / test / seed) on the cost models and what they depend on."""
        return self.dbt(
            command, "--select", *COST_SELECTION, "--indirect-selection", "cautious", *args, all_tests=all_tests
        )

    def mf(self, *args: str) -> str:
        """Run one MetricFlow command (it reads target/semantic_manifest.json of the last parse)."""
        return self._run("mf", list(args))

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of one read-only query against the workspace's warehouse."""
        if self.settings.target == "duckdb":
            import duckdb

            con = duckdb.connect(str(self.settings.duckdb_path), read_only=True)
            try:
                return con.execute(sql).fetchall()
            finally:
                con.close()
        import psycopg2

        con = psycopg2.connect(self.settings.pg_dsn)
        try:
            with con.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        finally:
            con.close()

    def scalar(self, sql: str) -> Any:
        rows = self.query(sql)
        assert len(rows) == 1 and len(rows[0]) == 1, f"expected one value from: {sql}\ngot: {rows}"
        return rows[0][0]


def failure_summary(output: str, limit: int = 8000) -> str:
    """The part of a dbt / mf output that says what failed: from dbt's closing summary on, else the end."""
    lines = [line for line in output.splitlines() if "Warning" not in line and "warnings.warn" not in line]
    for marker in ("Completed with", "Encountered an error", "Error"):
        found = [index for index, line in enumerate(lines) if marker in line]
        if found:
            return "\n".join(lines[found[0] :])[:limit]
    return "\n".join(lines)[-limit:]


def reset_postgres_schemas(settings: Settings, schemas: Iterable[str]) -> None:
    """Drop the given schemas (cascade) so a test database starts empty."""
    import psycopg2
    from psycopg2 import sql

    con = psycopg2.connect(settings.pg_dsn)
    con.autocommit = True
    try:
        with con.cursor() as cursor:
            for schema in schemas:
                cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
    finally:
        con.close()


WAREHOUSE_SCHEMAS = ("raw", "staging", "intermediate", "marts", "seeds", "snapshots", "dbt_test__audit")
