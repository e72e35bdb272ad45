"""One full `cloudcost check` per engine: every dbt data test and unit test, on the demo warehouse that the
dashboard and demo tests share (built once per engine by `cloudcost demo`, whose build runs the money checks).

Every other dbt build in the test suite runs the money checks only (tests/dbt_harness.py); these two runs are
where every per-column test and every unit test runs in CI.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from dashboard_warehouse import company_env, demo_env, shared_warehouse

from cloudcost.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.slow


def run_check(env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "cloudcost.cli", "check"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"cloudcost check failed:\n{output[-6000:]}"
    return output


def assert_every_test_ran(output: str) -> None:
    """dbt ran every test (data tests and unit tests), or a check of this very build already had."""
    if "every test already passed on this build" in output:
        return
    found = re.search(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=0 SKIP=0", output)
    assert found, output[-3000:]
    assert int(found.group(1)) + int(found.group(2)) > 300, "a full check runs hundreds of tests"


def test_every_test_passes_on_the_duckdb_demo(tmp_path_factory: pytest.TempPathFactory) -> None:
    warehouse = shared_warehouse(tmp_path_factory.mktemp("dashboard"))
    output = run_check({**warehouse.env(), **demo_env(warehouse.folder), **company_env("duckdb")})
    assert_every_test_ran(output)


@pytest.mark.postgres
def test_every_test_passes_on_the_postgres_demo(
    postgres_demo: dict[str, str], postgres_server: Settings, tmp_path: Path
) -> None:
    owner = {
        "CLOUDCOST_TARGET": "postgres",
        "PGHOST": postgres_server.pg_host,
        "PGPORT": str(postgres_server.pg_port),
        "PGUSER": postgres_server.pg_user,
        "PGPASSWORD": postgres_server.pg_password,
        "PGDATABASE": postgres_demo["PGDATABASE"],
    }
    output = run_check({**owner, **demo_env(tmp_path), **company_env("postgres")})
    assert_every_test_ran(output)
