"""The warehouse the dashboard tests read: what `cloudcost demo --no-serve` makes.

Built once per test process by the real command in a child process (generate, replay eight weeks into
forecast vintages, load the finance files with their sign-offs, `cloudcost build` with the money checks, publish),
so every page has data. ``CLOUDCOST_DASHBOARD_TEST_WAREHOUSE`` names an already built DuckDB file instead.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cloudcost.dbt_runner import dbt_executable, profiles_dir
from cloudcost.publish import DASHBOARD_MARTS
from cloudcost.settings import PROJECT_ROOT, Settings

APP = PROJECT_ROOT / "streamlit_app" / "app.py"
# roles belong to the whole server: prefixed like the test databases (parallel checkouts, pytest-xdist workers)
_ROLE_PREFIX = re.sub(r"[^a-z0-9_]", "_", os.environ.get("CLOUDCOST_TEST_DB_PREFIX", "").lower())
DEMO_READER = _ROLE_PREFIX + "cloudcost_reader_test"

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


def demo_env(folder: Path) -> dict[str, str]:
    """dbt's artifacts and logs of a demo run go to ``folder``, not the project's target/ and logs/."""
    return {"DBT_TARGET_PATH": str(folder / "target"), "DBT_LOG_PATH": str(folder / "logs")}


def run_demo(data: Path, env: dict[str, str], target: str = "duckdb") -> str:
    """`cloudcost demo --no-serve` with its defaults (what `make demo` makes), on the sample data in ``data``
    (generated once, then reused): replay,
    finance files with their sign-offs, `cloudcost build` with the money checks, publish. Returns its output."""
    result = subprocess.run(
        [sys.executable, "-m", "cloudcost.cli", "demo", "--no-serve", "--target", target, "--data", str(data)],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        output = f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        raise RuntimeError(f"cloudcost demo --target {target} failed:\n{output}")
    DEMO_COMPANY[target] = data / "company"
    return result.stdout


def company_env(target: str) -> dict[str, str]:
    """The company folder the demo of that engine was built with: later commands on its warehouse (a check, a
    rebuild) must name the same one, or they would rebuild it with the neutral starter."""
    return {"CLOUDCOST_COMPANY_DIR": str(DEMO_COMPANY[target])}


def demo_data(folder: Path) -> Path:
    """The sample data every demo of this test process uses (the first demo generates it)."""
    return folder.parent / "demo-sample-data"


def build_warehouse(folder: Path) -> Warehouse:
    """What `cloudcost demo` makes, on a small generation: every page of the dashboard has data."""
    folder.mkdir(parents=True, exist_ok=True)
    warehouse = Warehouse(folder, folder / "cloudcost.duckdb", folder / "published" / "cloudcost.duckdb")
    env = {**warehouse.env(), **demo_env(folder)}
    DEMO_OUTPUT["duckdb"] = run_demo(demo_data(folder), env)
    return warehouse


_BUILT: dict[str, Warehouse] = {}
DEMO_OUTPUT: dict[str, str] = {}  # target -> what its demo printed
DEMO_COMPANY: dict[str, Path] = {}  # target -> the company folder its demo used
_FAILED: dict[str, str] = {}


def postgres_demo(settings: Settings, folder: Path, reader: str = DEMO_READER) -> dict[str, str]:
    """`cloudcost demo --target postgres` into ``settings``' database (once per test process); returns the
    dashboard's environment: the reader role, and no owner credentials."""
    if "postgres" not in DEMO_OUTPUT:
        from cloudcost.warehouse import connect

        with connect(settings) as con, con.cursor() as cur:  # a clean database: marts of this demo only
            cur.execute("drop schema if exists marts cascade")
            cur.execute("drop schema if exists marts__build cascade")  # where `cloudcost build` builds them
            con.commit()
        owner = {
            "CLOUDCOST_TARGET": "postgres",
            "PGHOST": settings.pg_host,
            "PGPORT": str(settings.pg_port),
            "PGUSER": settings.pg_user,
            "PGPASSWORD": settings.pg_password,
            "PGDATABASE": settings.pg_database,
            "CLOUDCOST_READER_USER": reader,
        }
        folder.mkdir(parents=True, exist_ok=True)
        DEMO_OUTPUT["postgres"] = run_demo(demo_data(folder), {**owner, **demo_env(folder)}, target="postgres")
    return {
        "CLOUDCOST_TARGET": "postgres",
        "PGHOST": settings.pg_host,
        "PGPORT": str(settings.pg_port),
        "PGDATABASE": settings.pg_database,
        "CLOUDCOST_READER_USER": reader,
    }


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
