"""Everything one comparison found, ready to be rendered as Markdown or JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from cloudcost.diff.metrics import KeyedChanges, MetricTable, Move
from cloudcost.guard.contracts import ContractChange
from cloudcost.guard.seed_history import SeedFinding


@dataclass
class NodeChange:
    """A model, seed or snapshot that the change touches."""

    unique_id: str
    name: str
    resource_type: str
    change: str  # new | modified | downstream | removed
    access: str
    materialized: str
    rows_base: int | None = None
    rows_head: int | None = None

    @property
    def row_change(self) -> int | None:
        if self.rows_base is None or self.rows_head is None:
            return None
        return self.rows_head - self.rows_base


@dataclass
class DiffResult:
    ref: str
    commit: str
    target: str
    raw_tables: list[tuple[str, int]] = field(default_factory=list)
    base_has_project: bool = True
    nodes: list[NodeChange] = field(default_factory=list)
    contracts: list[ContractChange] = field(default_factory=list)
    public_columns: dict[str, dict[str, str]] = field(default_factory=dict)
    metric_tables: list[MetricTable] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    keyed: list[KeyedChanges] = field(default_factory=list)
    failed_tests: list[str] = field(default_factory=list)
    seed_findings: list[SeedFinding] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.nodes

    def to_json(self) -> dict[str, Any]:
        """A machine-readable copy of the report (every row, no truncation)."""
        return {
            "ref": self.ref,
            "commit": self.commit,
            "target": self.target,
            "unchanged": self.unchanged,
            "raw_tables": [{"table": table, "rows": rows} for table, rows in self.raw_tables],
            "nodes": [{**asdict(node), "row_change": node.row_change} for node in self.nodes],
            "contracts": [asdict(change) for change in self.contracts],
            "public_columns": self.public_columns,
            "metrics": [
                {
                    "model": table.model,
                    "measure": table.measure.label,
                    "kind": table.measure.kind,
                    "breakdown": table.breakdown,
                    "fixed_columns": list(table.fixed_columns),
                    "rows": [
                        {
                            "period": row.period,
                            "fixed": list(row.fixed),
                            "group": row.group,
                            "base": row.base,
                            "head": row.head,
                            "change": row.change,
                            "percent": row.percent,
                        }
                        for row in table.rows
                    ],
                }
                for table in self.metric_tables
            ],
            "moves": [asdict(move) for move in self.moves],
            "other_marts": [
                {**asdict(changes), "columns": [{**asdict(c), "change": c.change} for c in changes.columns]}
                for changes in self.keyed
            ],
            "failed_tests": self.failed_tests,
            "seed_findings": [asdict(finding) for finding in self.seed_findings],
        }
