"""A small DuckDB warehouse with the dashboard's marts built by dbt, for the dashboard tests.

Built once per test process: the trimmed real CUR files in ``tests/fixtures/cur`` are loaded with the
loader, dbt builds the models the dashboard reads (with their parents; data tests are left to the dbt test
suite), and ``cloudcost.publish`` publishes them the way ``cloudcost build`` does.
"""

from __future__ import annotations

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


def shared_warehouse(folder: Path) -> Warehouse:
    """The warehouse of this test process (built in ``folder`` the first time)."""
    if "duckdb" not in _BUILT:
        _BUILT["duckdb"] = build_warehouse(folder)
    return _BUILT["duckdb"]
