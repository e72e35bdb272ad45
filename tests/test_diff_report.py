"""The Markdown report of `cloudcost diff`, on hand-made results (no dbt needed)."""

from __future__ import annotations

from cloudcost.diff.metrics import AMORTIZED, Delta, MetricTable, Move
from cloudcost.diff.report import decimals_for, render_markdown
from cloudcost.diff.result import DiffResult, NodeChange
from cloudcost.guard.contracts import ContractChange


def result_with_changes() -> DiffResult:
    table = MetricTable("fct_cost_daily", AMORTIZED, "team", ("currency",))
    table.rows = [
        Delta("2026-05", ("USD",), "payments", 1000.0, 1250.0),
        Delta("2026-05", ("USD",), "checkout", 500.0, 250.0),
        Delta("2026-06", ("USD",), "data-platform", None, 12.5),
    ]
    table.rows.sort(key=lambda row: -abs(row.change))
    return DiffResult(
        ref="main",
        commit="0123456789abcdef",
        target="duckdb",
        raw_tables=[("raw_cur_line_items", 31928)],
        nodes=[
            NodeChange("seed.p.map_team_tag_rules", "map_team_tag_rules", "seed", "modified", "", "seed", 8, 9),
            NodeChange(
                "model.p.fct_cost_daily.v1", "fct_cost_daily.v1", "model", "downstream", "public", "table", 10, 10
            ),
        ],
        contracts=[ContractChange("fct_cost_daily.v2", "version_added", "new version v2 (36 columns)", False)],
        metric_tables=[table, MetricTable("fct_cost_daily", AMORTIZED, "host_type", ("currency",))],
        moves=[Move("fct_cost_layers", "2026-05", ("USD",), "team", "checkout", "payments", {"amortized cost": 250.0})],
    )


def test_unchanged_is_one_line() -> None:
    text = render_markdown(DiffResult(ref="main", commit="0123456789abcdef", target="duckdb"))
    assert text == (
        "cloudcost diff: no changes between `main` (0123456789) and the working tree "
        "(no model, seed or snapshot differs).\n"
    )


def test_report_lists_largest_movers_first_with_percentages() -> None:
    text = render_markdown(result_with_changes())
    rows = [line for line in text.splitlines() if line.startswith("| 2026-0") and "fct" not in line]
    assert rows[0] == "| 2026-05 | USD | payments | 1,000.00 | 1,250.00 | +250.00 | +25.0 % |"
    assert rows[1] == "| 2026-05 | USD | checkout | 500.00 | 250.00 | −250.00 | −50.0 % |"
    assert rows[2] == "| 2026-06 | USD | data-platform | – | 12.50 | +12.50 | new |"
    assert "#### Amortized cost by month and team (fct_cost_daily)" in text
    assert "Unchanged in `fct_cost_daily`: amortized cost by host type." in text
    assert "| 2026-05 | USD | team | checkout | payments | 250.00 |" in text
    assert "| `map_team_tag_rules` | seed | modified |  | 8 | 9 | +1 |" in text
    assert "- `fct_cost_daily.v2`: new version v2 (36 columns)" in text
    assert "**1 changed directly, 1 downstream.** Public models affected: `fct_cost_daily.v1`." in text


def test_moved_split_with_unchanged_totals_is_said_in_words() -> None:
    by_team = MetricTable("fct_cost_daily", AMORTIZED, "team", ("currency",))
    by_team.rows = [
        Delta("2026-05", ("USD",), "payments", 1000.0, 1250.0),
        Delta("2026-05", ("USD",), "checkout", 500.0, 250.0),
    ]
    result = DiffResult(
        ref="main",
        commit="0123456789abcdef",
        target="postgres",
        nodes=[NodeChange("seed.p.map_team_tag_rules", "map_team_tag_rules", "seed", "modified", "", "seed", 8, 9)],
        metric_tables=[MetricTable("fct_cost_daily", AMORTIZED, None, ("currency",)), by_team],
    )
    text = render_markdown(result)
    assert "Unchanged in `fct_cost_daily`: amortized cost by month." in text
    assert "The monthly totals of `fct_cost_daily` did not change" in text


def test_long_tables_are_cut_at_top() -> None:
    result = result_with_changes()
    text = render_markdown(result, top=1)
    assert "| … 2 more rows (see `--json`) |" in text
    assert "checkout | 500.00" not in text


def test_decimals_follow_the_smallest_amount() -> None:
    assert decimals_for([1234.5, -20.0]) == 2
    assert decimals_for([0.000016, 0.00003]) == 6
    assert decimals_for([0.05]) == 3
    assert decimals_for([None, 0.0]) == 2


def test_json_has_every_row() -> None:
    data = result_with_changes().to_json()
    assert data["unchanged"] is False
    rows = data["metrics"][0]["rows"]
    assert [row["change"] for row in rows] == [250.0, -250.0, 12.5]
    assert rows[0]["percent"] == 25.0
    assert data["nodes"][0]["row_change"] == 1
