"""The comparison queries of `cloudcost diff` on two small hand-made DuckDB files (no dbt needed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cloudcost.diff.compare import DuckDBReader, keyed_changes, metric_tables, moves
from cloudcost.diff.metrics import METRIC_SPECS, MOVE_SPECS

DAILY_COLUMNS = (
    "billing_period date, currency varchar, team varchar, host_type varchar, functional_group varchar, "
    "amortized_cost double, public_on_demand_cost double"
)
LAYER_COLUMNS = (
    "cost_layer_key varchar, billing_period date, currency varchar, team varchar, host_type varchar, "
    "functional_group varchar, layer varchar, amount double"
)
BRIDGE_COLUMNS = "cash_bridge_key varchar, billing_period date, payer_account_id varchar, ri_sp_trueup double"


def side_file(path: Path, daily: list[tuple], layers: list[tuple], bridge: list[tuple]) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    for table, columns, rows in (
        ("fct_cost_daily", DAILY_COLUMNS, daily),
        ("fct_cost_layers", LAYER_COLUMNS, layers),
        ("fct_cash_bridge", BRIDGE_COLUMNS, bridge),
    ):
        con.execute(f"create table marts.{table} ({columns})")
        if rows:
            marks = ", ".join("?" for _ in rows[0])
            con.executemany(f"insert into marts.{table} values ({marks})", rows)
    con.close()
    return path


def node(name: str) -> dict[str, str]:
    return {"schema": "marts", "alias": name, "name": name}


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[DuckDBReader]:
    may, june = "2026-05-01", "2026-06-01"
    base = side_file(
        tmp_path / "base.duckdb",
        daily=[
            (may, "USD", "payments", "web", "production", 100.0, 120.0),
            (may, "USD", "checkout", "batch", "production", 40.0, 50.0),
            (june, "USD", "payments", "web", "production", 110.0, 130.0),
        ],
        layers=[
            ("k1", may, "USD", "checkout", "batch", "production", "on_demand", 50.0),
            ("k2", may, "USD", "checkout", "batch", "production", "ri_discount", -10.0),
            ("k3", june, "USD", "payments", "web", "production", "on_demand", 130.0),
        ],
        bridge=[("b1", may, "111", -5.0), ("b2", june, "111", -6.0)],
    )
    # the working tree moves checkout's batch cost of May to research_and_development
    head = side_file(
        tmp_path / "head.duckdb",
        daily=[
            (may, "USD", "payments", "web", "production", 100.0, 120.0),
            (may, "USD", "checkout", "batch", "research_and_development", 40.0, 50.0),
            (june, "USD", "payments", "web", "production", 110.0, 130.0),
        ],
        layers=[
            ("k1", may, "USD", "checkout", "batch", "research_and_development", "on_demand", 50.0),
            ("k2", may, "USD", "checkout", "batch", "research_and_development", "ri_discount", -10.0),
            ("k3", june, "USD", "payments", "web", "production", "on_demand", 130.0),
        ],
        bridge=[("b1", may, "111", -5.5), ("b3", june, "111", -6.0)],
    )
    opened = DuckDBReader(base, head)
    yield opened
    opened.close()


def test_metric_tables_report_only_what_moved(reader: DuckDBReader) -> None:
    spec = next(spec for spec in METRIC_SPECS if spec.model == "fct_cost_daily")
    tables = metric_tables(reader, spec, node("fct_cost_daily"), node("fct_cost_daily"), 1e-6)
    by_key = {(table.measure.label, table.breakdown): table for table in tables}
    assert by_key[("amortized cost", None)].rows == []  # the month total did not move
    assert by_key[("amortized cost", "team")].rows == []
    moved = by_key[("amortized cost", "functional_group")].rows
    assert [(row.period, row.group, row.base, row.head, row.change) for row in moved] == [
        ("2026-05", "production", 140.0, 100.0, -40.0),
        ("2026-05", "research_and_development", None, 40.0, 40.0),
    ]
    assert moved[0].percent == pytest.approx(-40.0 / 140.0 * 100)
    on_demand = by_key[("public on-demand cost", "functional_group")].rows
    assert {row.group: row.change for row in on_demand} == {"production": -50.0, "research_and_development": 50.0}


def test_moves_pair_the_old_and_new_group_line_by_line(reader: DuckDBReader) -> None:
    spec = MOVE_SPECS[0]
    found = moves(reader, spec, node("fct_cost_layers"), node("fct_cost_layers"), 1e-6)
    assert len(found) == 1
    move = found[0]
    assert (move.period, move.fixed, move.dimension, move.from_value, move.to_value) == (
        "2026-05",
        ("USD",),
        "functional_group",
        "production",
        "research_and_development",
    )
    assert move.amounts == {"amortized cost": 40.0, "public on-demand cost": 50.0}


def test_keyed_changes_count_rows_and_find_the_largest_move(reader: DuckDBReader) -> None:
    changes = keyed_changes(
        reader, "fct_cash_bridge", "cash_bridge_key", node("fct_cash_bridge"), node("fct_cash_bridge"), 1e-6
    )
    assert changes is not None
    assert (changes.rows_changed, changes.rows_added, changes.rows_removed) == (1, 1, 1)
    [column] = changes.columns
    assert (column.column, column.rows_changed, column.base, column.head) == ("ri_sp_trueup", 1, -5.0, -5.5)
    assert column.where == {"billing_period": "2026-05-01", "payer_account_id": "111"}


def test_text_changes_count_as_changed_rows_without_number_moves(reader: DuckDBReader) -> None:
    changes = keyed_changes(
        reader, "fct_cost_layers", "cost_layer_key", node("fct_cost_layers"), node("fct_cost_layers"), 1e-6
    )
    assert changes is not None
    # the group of k1 and k2 changed: text columns count as changed rows, but no number moved
    assert (changes.rows_changed, changes.rows_added, changes.rows_removed) == (2, 0, 0)
    assert changes.columns == []
