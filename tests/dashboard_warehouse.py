"""A small DuckDB warehouse with the dashboard's marts built by dbt, for the dashboard tests.

Built once per test process: the trimmed real CUR files in ``tests/fixtures/cur`` and a small generated
company (with its finance files and forecasts) are loaded with the project's loaders, dbt builds the
models the dashboard reads (with their parents; data tests are left to the dbt test suite), and
``cloudcost.publish`` publishes them the way ``cloudcost build`` does.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cloudcost.dbt_runner import dbt_executable, profiles_dir
from cloudcost.publish import DASHBOARD_MARTS, publish
from cloudcost.settings import PROJECT_ROOT, load_settings

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "cur"
APP = PROJECT_ROOT / "streamlit_app" / "app.py"
# a small generated company: three months, the last one open
GENERATED = ("--rows", "3000", "--months", "3", "--seed", "5")

# the dashboard's modules are imported as `streamlit_app.*` (the app itself adds the project root too)
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))


@dataclass(frozen=True)
class Warehouse:
    folder: Path
    source: Path  # the file dbt writes
    published: Path  # the copy the dashboard reads

    def env(self) -> dict[str, str]:
        return {
            "CLOUDCOST_TARGET": "duckdb",
            "CLOUDCOST_DUCKDB_PATH": str(self.source),
            "CLOUDCOST_DASHBOARD_DB": str(self.published),
        }


def dbt_command(folder: Path, *args: str, target: str = "duckdb") -> list[str]:
    return [
        dbt_executable(),
        *args,
        "--project-dir",
        str(PROJECT_ROOT),
        "--profiles-dir",
        str(profiles_dir()),
        "--target",
        target,
        "--target-path",
        str(folder / "target"),
        "--log-path",
        str(folder / "logs"),
    ]


def build_args() -> list[str]:
    """dbt build of the dashboard's marts and everything upstream, without data tests."""
    selection = " ".join(f"+{name}" for name in DASHBOARD_MARTS)
    return [
        "build",
        "--select",
        selection,
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
    ]


def run_build(folder: Path, env: dict[str, str], target: str = "duckdb") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        dbt_command(folder, *build_args(), target=target),
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def cli(*args: str, env: dict[str, str]) -> None:
    """Run one `cloudcost` command in a child process; fail with its output."""
    result = subprocess.run(
        [sys.executable, "-m", "cloudcost.cli", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"cloudcost {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def load_generated(folder: Path, env: dict[str, str]) -> None:
    """A small generated company (every line item type, invoices, ledger, volumes, forecasts), loaded with
    the project's own commands; finance files and forecasts only where those commands exist."""
    from cloudcost.cli import COMMANDS
    from cloudcost.generator import latest_deliveries

    generated = folder / "generated"
    cli("generate", "--out", str(generated), *GENERATED, env=env)
    cli("load", "--quiet", *(str(path) for path in latest_deliveries(generated)), env=env)
    if "load-finance" in COMMANDS and (generated / "finance").is_dir():
        cli("load-finance", str(generated / "finance"), env=env)
    elif importlib.util.find_spec("cloudcost.finance") is not None and (generated / "finance").is_dir():
        from cloudcost.finance import load_finance_paths

        load_finance_paths([generated / "finance"], load_settings("duckdb"))
    if "load-forecasts" in COMMANDS and (generated / "forecasts").is_dir():
        # loaded before the first build: dim_host_type does not exist yet, the build's data tests check host types
        cli("load-forecasts", "--no-host-type-check", str(generated / "forecasts"), env=env)


def build_warehouse(folder: Path) -> Warehouse:
    from cloudcost.loader.api import load_paths

    folder.mkdir(parents=True, exist_ok=True)
    warehouse = Warehouse(folder, folder / "cloudcost.duckdb", folder / "published" / "cloudcost.duckdb")
    env = warehouse.env()
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        settings = load_settings("duckdb")
        load_paths([FIXTURES], settings, progress=False)
        load_generated(folder, env)
        result = run_build(folder, env)
        if result.returncode != 0:
            raise RuntimeError(f"dbt build for the dashboard tests failed:\n{result.stdout[-4000:]}")
        publish(settings)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return warehouse


_BUILT: dict[str, Warehouse] = {}
_FAILED: dict[str, str] = {}


def existing_warehouse(source: Path, folder: Path) -> Warehouse:
    """A copy of a warehouse built elsewhere (e.g. by `cloudcost demo`), published into ``folder``."""
    import shutil

    from cloudcost.publish import publish_duckdb

    folder.mkdir(parents=True, exist_ok=True)
    warehouse = Warehouse(folder, folder / "cloudcost.duckdb", folder / "published" / "cloudcost.duckdb")
    shutil.copyfile(source, warehouse.source)
    publish_duckdb(warehouse.source, warehouse.published, DASHBOARD_MARTS)
    return warehouse


def shared_warehouse(folder: Path) -> Warehouse:
    """The warehouse of this test process (built in ``folder`` the first time).

    ``CLOUDCOST_DASHBOARD_TEST_WAREHOUSE`` names an already built DuckDB file to test against instead
    (e.g. the one `cloudcost demo` made: every page then has data)."""
    if "duckdb" in _FAILED:  # build once: every test reports the same failure without rebuilding
        raise RuntimeError(f"the dashboard test warehouse could not be built: {_FAILED['duckdb']}")
    if "duckdb" not in _BUILT:
        existing = os.environ.get("CLOUDCOST_DASHBOARD_TEST_WAREHOUSE")
        try:
            _BUILT["duckdb"] = existing_warehouse(Path(existing), folder) if existing else build_warehouse(folder)
        except Exception as error:
            _FAILED["duckdb"] = str(error)[-3000:]
            raise
    return _BUILT["duckdb"]
