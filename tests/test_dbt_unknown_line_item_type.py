"""A line item type the models do not classify stops the build, naming the type and the billing period.

The loader rejects unknown types; these tests put one into the raw table behind its back, as a restored
backup or another loading tool could, and check both backstops: the staging data test (its stored failures
name the type and period) and the cost model itself (its error names them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from dbt_harness import WAREHOUSE_SCHEMAS, DbtCommandError, DbtWorkspace, reset_postgres_schemas

from cloudcost.loader import load_paths
from cloudcost.settings import Settings, load_settings

UNKNOWN_TYPE = "ReservedCapacityFee"
FIXTURE = "legacy-parquet-2018-10-trimmed.snappy.parquet"


def execute(settings: Settings, sql: str) -> None:
    if settings.target == "duckdb":
        import duckdb

        con = duckdb.connect(str(settings.duckdb_path))
        try:
            con.execute(sql)
        finally:
            con.close()
        return
    import psycopg2

    con = psycopg2.connect(settings.pg_dsn)
    try:
        with con.cursor() as cursor:
            cursor.execute(sql)
        con.commit()
    finally:
        con.close()


@dataclass(frozen=True)
class WarehouseWithUnknownType:
    workspace: DbtWorkspace
    unknown_lines: int


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def warehouse_with_unknown_type(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, cur_fixtures_dir: Path
) -> Iterator[WarehouseWithUnknownType]:
    root = tmp_path_factory.mktemp(f"dbt-unknown-type-{request.param}")
    if request.param == "duckdb":
        settings: Settings = replace(load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb")
    else:
        make_database: Callable[[str], Settings] = request.getfixturevalue("postgres_database")
        settings = make_database("cloudcost_pytest_dbt_unknown_type")
        reset_postgres_schemas(settings, WAREHOUSE_SCHEMAS)
    load_paths([cur_fixtures_dir / FIXTURE], settings, progress=False)
    execute(
        settings,
        f"update raw.raw_cur_line_items set line_item_line_item_type = '{UNKNOWN_TYPE}' "
        "where identity_line_item_id = (select min(identity_line_item_id) from raw.raw_cur_line_items)",
    )
    workspace = DbtWorkspace.create(root / "project", settings)
    changed = workspace.scalar(
        f"select count(*) from raw.raw_cur_line_items where line_item_line_item_type = '{UNKNOWN_TYPE}'"
    )
    assert changed >= 1
    yield WarehouseWithUnknownType(workspace, int(changed))


def test_staging_test_fails_and_stores_the_type_and_period(
    warehouse_with_unknown_type: WarehouseWithUnknownType,
) -> None:
    workspace = warehouse_with_unknown_type.workspace
    with pytest.raises(DbtCommandError) as failure:
        workspace.dbt("build", "--select", "+int_cost_lines", "--indirect-selection", "cautious")
    assert "assert_cur_line_item_types_are_classified" in str(failure.value)
    stored = workspace.query(
        "select line_item_type, cast(billing_period as varchar(10)), line_count "
        "from dbt_test__audit.assert_cur_line_item_types_are_classified"
    )
    assert stored == [(UNKNOWN_TYPE, "2018-10-01", warehouse_with_unknown_type.unknown_lines)]


def test_cost_model_refuses_the_unknown_type(warehouse_with_unknown_type: WarehouseWithUnknownType) -> None:
    workspace = warehouse_with_unknown_type.workspace
    workspace.dbt("seed", "--select", "cur_line_item_types")
    with pytest.raises(DbtCommandError) as failure:
        workspace.dbt("run", "--select", "+int_cost_lines")
    message = str(failure.value)
    assert f'unknown CUR line item type "{UNKNOWN_TYPE}" in billing period 2018-10-01' in message
