"""The Markdown report of `cloudcost diff`, written for a reviewer from Finance as much as Engineering."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta

from cloudcost.diff.metrics import KeyedChanges, MetricTable, Move
from cloudcost.diff.result import DiffResult, NodeChange

CHANGE_ORDER = {"modified": 0, "new": 1, "removed": 2, "downstream": 3}


def decimals_for(values: Iterable[float | None], minimum: int = 2, maximum: int = 6) -> int:
    """Enough decimals that the smallest non-zero amount shows two significant digits (2 to 6)."""
    smallest = min((abs(value) for value in values if value), default=None)
    if smallest is None:
        return minimum
    wanted = math.ceil(-math.log10(smallest)) + 1 if smallest < 1 else minimum
    return max(minimum, min(maximum, wanted))


def number(value: float | None, decimals: int, signed: bool = False) -> str:
    if value is None:
        return "–"
    if abs(value) < 0.5 * 10**-decimals:
        value = 0.0  # no "−0.00"
    text = f"{value:+,.{decimals}f}" if signed else f"{value:,.{decimals}f}"
    return text.replace("-", "−")


def percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:+.1f} %".replace("-", "−")


def cell(value: str | None) -> str:
    if value is None:
        return "_(none)_"
    return value.replace("|", "\\|") or "_(empty)_"


def _metric_table(table: MetricTable, top: int) -> list[str]:
    headers = ["month", *table.fixed_columns]
    if table.breakdown:
        headers.append(table.breakdown)
    headers += ["base", "head", "Δ", "Δ %"]
    shown = table.rows[:top]
    decimals = decimals_for([row.change for row in shown] + [row.base for row in shown])
    if table.measure.kind == "ratio":
        decimals = 4
    lines = [f"#### {table.title}", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in shown:
        cells = [row.period, *(cell(value) for value in row.fixed)]
        if table.breakdown:
            cells.append(cell(row.group))
        pct = "new" if row.base is None else ("gone" if row.head is None else percent(row.percent))
        if row.base == 0 and row.head:
            pct = "from 0"
        cells += [
            number(row.base, decimals),
            number(row.head, decimals),
            number(row.change, decimals, signed=True),
            pct,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if len(table.rows) > top:
        lines.append(f"| … {len(table.rows) - top} more rows (see `--json`) |")
    lines.append("")
    return lines


def _moves_table(moves: list[Move], top: int) -> list[str]:
    labels = list(moves[0].amounts)
    fixed_count = len(moves[0].fixed)
    headers = ["month", *(["currency"] if fixed_count else []), "dimension", "from", "to", *labels]
    decimals = decimals_for(value for move in moves[:top] for value in move.amounts.values())
    lines = [
        f"### Cost that moved between teams, host types and functional groups ({moves[0].model})",
        "",
        "Line by line: the same cost line allocated differently on the two sides.",
        "",
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
    ]
    for move in moves[:top]:
        cells = [move.period, *move.fixed, move.dimension.replace("_", " "), cell(move.from_value)]
        cells += [cell(move.to_value), *(number(move.amounts[label], decimals) for label in labels)]
        lines.append("| " + " | ".join(cells) + " |")
    if len(moves) > top:
        lines.append(f"| … {len(moves) - top} more rows (see `--json`) |")
    lines.append("")
    return lines


def _unchanged_metrics(tables: list[MetricTable]) -> list[str]:
    """One line per mart naming the groupings that did not move; a note when only the split moved."""
    lines: list[str] = []
    models = list(dict.fromkeys(table.model for table in tables))
    for model in models:
        own = [table for table in tables if table.model == model]
        still: dict[str, list[str]] = {}
        for table in own:
            if not table.rows:
                still.setdefault(table.measure.label, []).append(
                    table.breakdown.replace("_", " ") if table.breakdown else "month"
                )
        if not still:
            continue
        described = "; ".join(f"{label} by {', '.join(groupings)}" for label, groupings in still.items())
        lines.append(f"Unchanged in `{model}`: {described}.")
        totals_still = all(not table.rows for table in own if table.breakdown is None)
        if totals_still and any(table.rows for table in own):
            lines.append(
                f"The monthly totals of `{model}` did not change: the amounts moved between groups, "
                "nothing was added or lost."
            )
        lines.append("")
    return lines


def _seed_section(result: DiffResult) -> list[str]:
    lines = ["### Effective-dated seed rows (mappings, targets)", ""]
    for finding in result.seed_findings:
        flag = "**rewrites history** " if finding.violation else ""
        lines.append(f"- {flag}`{finding.path}`: {finding.message}")
    lines.append("")
    starts = sorted({f.added_valid_from for f in result.seed_findings if f.added_valid_from and not f.violation})
    if result.moves and starts:
        for start in starts:
            try:
                day_before = (date.fromisoformat(start[:10]) - timedelta(days=1)).isoformat()
            except ValueError:
                continue
            lines.append(
                f"The mapping-change report shows the moves of rules starting {start} for the months from then on: "
                f"`dbt build -s +fct_mapping_changes --vars '{{mapping_change_from_date: {day_before}, "
                f"mapping_change_to_date: {start}}}'`."
            )
        lines.append("")
    return lines


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _keyed_section(marts: list[KeyedChanges]) -> list[str]:
    lines = ["### Other public marts, row by row", ""]
    quiet = [changes.model for changes in marts if changes.unchanged]
    for changes in marts:
        if changes.unchanged:
            continue
        lines.append(
            f"**`{changes.model}`** (matched on `{changes.key}`): {plural(changes.rows_changed, 'row')} changed, "
            f"{changes.rows_added:,} added, {changes.rows_removed:,} removed."
        )
        lines.append("")
        if changes.columns:
            values = [v for column in changes.columns for v in (column.base, column.head) if v is not None]
            integral = all(float(value).is_integer() for value in values)
            decimals = 0 if integral else decimals_for([column.change for column in changes.columns])
            lines += [
                "| column | rows changed | largest move: base | head | Δ | on the row |",
                "|---|---|---|---|---|---|",
            ]
            for column in changes.columns:
                where = ", ".join(f"{name}={cell(value)}" for name, value in column.where.items())
                lines.append(
                    f"| `{column.column}` | {column.rows_changed:,} | {number(column.base, decimals)} "
                    f"| {number(column.head, decimals)} | {number(column.change, decimals, signed=True)} | {where} |"
                )
            lines.append("")
    if quiet:
        lines += ["Same rows and values: " + ", ".join(f"`{name}`" for name in quiet) + ".", ""]
    return lines


def _nodes_table(nodes: list[NodeChange]) -> list[str]:
    lines = [
        "| node | type | change | access | rows base | rows head | Δ rows |",
        "|---|---|---|---|---|---|---|",
    ]
    ordered = sorted(nodes, key=lambda node: (CHANGE_ORDER.get(node.change, 9), node.name))
    for node in ordered:
        rows_change = node.row_change
        lines.append(
            f"| `{node.name}` | {node.resource_type} | {node.change} | {node.access or ''} "
            f"| {number(node.rows_base, 0) if node.rows_base is not None else '–'} "
            f"| {number(node.rows_head, 0) if node.rows_head is not None else '–'} "
            f"| {number(rows_change, 0, signed=True) if rows_change else ('0' if rows_change == 0 else '–')} |"
        )
    lines.append("")
    return lines


def render_markdown(result: DiffResult, top: int = 20) -> str:
    """The report; one line when nothing differs."""
    side = f"`{result.ref}` ({result.commit[:10]})"
    if result.unchanged:
        return f"cloudcost diff: no changes between {side} and the working tree (no model, seed or snapshot differs).\n"
    direct = [node for node in result.nodes if node.change in {"modified", "new", "removed"}]
    downstream = [node for node in result.nodes if node.change == "downstream"]
    public = sorted({node.name for node in result.nodes if node.access == "public"})
    lines = [f"## cloudcost diff: {side} → working tree", ""]
    raw = ", ".join(f"{table} {rows:,} rows" for table, rows in result.raw_tables)
    lines.append(f"Both sides built on the same raw data ({result.target}: {raw}).")
    if not result.base_has_project:
        lines.append(f"{side} has no dbt project: everything is new and was built in full.")
    lines.append("")
    lines.append(
        f"**{len(direct)} changed directly, {len(downstream)} downstream.** "
        + (f"Public models affected: {', '.join(f'`{name}`' for name in public)}." if public else "No public model.")
    )
    lines.append("")
    if result.failed_tests:
        lines.append(f"**{len(result.failed_tests)} dbt test(s) failed on the working tree:**")
        lines += [f"- `{failure}`" for failure in result.failed_tests]
        lines.append("")
    lines.append("### Key metrics (largest movers first)")
    lines.append("")
    if not result.base_has_project:
        lines += ["Nothing to compare with on the base side.", ""]
    elif not result.metric_tables:
        lines += ["No key metric mart was rebuilt by this change.", ""]
    for table in (table for table in result.metric_tables if table.rows):
        lines += _metric_table(table, top)
    lines += _unchanged_metrics(result.metric_tables)
    if result.moves:
        lines += _moves_table(result.moves, top)
    if result.seed_findings:
        lines += _seed_section(result)
    if result.keyed:
        lines += _keyed_section(result.keyed)
    lines.append("### Changed models, seeds and snapshots")
    lines.append("")
    lines += _nodes_table(result.nodes)
    lines.append("### Contract and version changes")
    lines.append("")
    if result.contracts:
        for change in result.contracts:
            flag = "**breaking** " if change.breaking else ""
            lines.append(f"- {flag}`{change.model}`: {change.detail}")
    else:
        lines.append("None.")
    lines.append("")
    if result.public_columns:
        lines.append("### Public columns of the changed public models")
        lines.append("")
        for name, columns in sorted(result.public_columns.items()):
            listed = ", ".join(f"`{column}` {data_type}".strip() for column, data_type in columns.items())
            lines += [
                f"<details><summary><code>{name}</code> ({len(columns)} columns)</summary>",
                "",
                listed,
                "",
                "</details>",
                "",
            ]
    return "\n".join(lines)
