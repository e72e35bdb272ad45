"""Helpers shared by the finance tests (no tests here): a scratch warehouse per engine and the dbt selection
of the reconciliation marts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from dbt_harness import WAREHOUSE_SCHEMAS, DbtWorkspace, reset_postgres_schemas

from cloudcost.settings import Settings

FINANCE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "finance"

# The finance marts that need only the CUR deliveries (not the cost layers), and everything upstream.
RECONCILIATION_SELECTION = (
    "+fct_invoice_reconciliation",
    "+fct_reconciliation_exceptions",
    "+fct_cur_restatements",
    "+fct_period_close_status",
)


def scratch_warehouse(request: pytest.FixtureRequest, engine: str, database: str) -> Settings:
    """Fresh settings for the engine: a DuckDB file under the test's tmp_path, or an emptied Postgres database."""
    if engine == "duckdb":
        duckdb_settings: Settings = request.getfixturevalue("duckdb_settings")
        return duckdb_settings
    make: Callable[[str], Settings] = request.getfixturevalue("postgres_database")
    settings = make(database)
    reset_postgres_schemas(settings, WAREHOUSE_SCHEMAS)
    return settings


def build_reconciliation(workspace: DbtWorkspace) -> str:
    """dbt build of the reconciliation marts (and their tests); raises DbtCommandError on failure."""
    return workspace.dbt("build", "--select", *RECONCILIATION_SELECTION, "--indirect-selection", "cautious")
