"""A seed whose columns changed since the warehouse loaded it is created again, not refused (an upgrade that
adds a column to a reference seed, an edited company file), on DuckDB and Postgres."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from cloudcost.settings import Settings, load_settings
from tests.dbt_harness import DbtWorkspace, reset_postgres_schemas

SEED = "cost_layers"


def _drop_last_column(path: Path) -> str:
    """Rewrite the seed CSV without its last column; returns that column's name."""
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(row[:-1] for row in rows)
    return rows[0][-1]


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "duckdb":
        return replace(load_settings("duckdb"), duckdb_path=tmp_path / "warehouse.duckdb")
    make: Callable[[str], Settings] = request.getfixturevalue("postgres_database")
    database = make("cloudcost_test_seed_columns")
    reset_postgres_schemas(database, ("seeds",))
    return database


def test_a_seed_that_gained_a_column_is_created_again(settings: Settings, tmp_path: Path) -> None:
    workspace = DbtWorkspace.create(tmp_path / "project", settings, copied=("seeds",))
    seed_file = workspace.root / "seeds" / f"{SEED}.csv"
    original = seed_file.read_text()
    added = _drop_last_column(seed_file)
    workspace.dbt("seed", "--select", SEED)  # the warehouse as an older release left it
    seed_file.write_text(original)  # the upgrade adds the column
    workspace.dbt("seed", "--select", SEED)
    rows = workspace.query(f"select {added} from seeds.{SEED}")
    assert len(rows) == len(original.strip().splitlines()) - 1
    assert any(row[0] not in (None, "") for row in rows)
    workspace.dbt("seed", "--select", SEED)  # same columns again: emptied and refilled, same rows
    assert workspace.scalar(f"select count(*) from seeds.{SEED}") == len(rows)
