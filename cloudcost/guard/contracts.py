"""Compare the contracts of public models between two manifests.

A public (or contract-enforced) model version that exists on the base must keep, on the working tree, every
declared column with the same data type, its enforced contract, its column constraints and its public
access. Breaking changes belong in a new model version (CONTRIBUTING.md); adding columns or versions is fine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cloudcost.diff.manifest import (
    Manifest,
    Node,
    buildable_nodes,
    contract_enforced,
    declared_columns,
    display_name,
    is_public,
)


@dataclass(frozen=True)
class ContractChange:
    """One difference in a public model's contract; ``breaking`` ones fail the guard."""

    model: str
    kind: str
    detail: str
    breaking: bool
    path: str = ""

    def line(self) -> str:
        where = f" ({self.path})" if self.path else ""
        return f"{self.model}{where}: {self.detail}"


def _models_by_name(manifest: Manifest | None) -> dict[str, list[Node]]:
    grouped: dict[str, list[Node]] = {}
    for node in buildable_nodes(manifest).values():
        if node.get("resource_type") == "model":
            grouped.setdefault(str(node["name"]), []).append(node)
    return grouped


def _constraints(node: Node) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for name, column in (node.get("columns") or {}).items():
        kinds = {str(item.get("type")) for item in (column or {}).get("constraints") or []}
        if kinds:
            found[str(name).lower()] = kinds
    model_level = {str(item.get("type")) for item in node.get("constraints") or []}
    if model_level:
        found["(model)"] = model_level
    return found


def _is_guarded(node: Node) -> bool:
    return is_public(node) or contract_enforced(node)


def _deprecated_by(node: Node, today: date) -> bool:
    value = node.get("deprecation_date")
    if not value:
        return False
    try:
        return date.fromisoformat(str(value)[:10]) <= today
    except ValueError:
        return False


def compatibility_problems(base: Node, head: Node) -> list[str]:
    """Why ``head`` cannot stand in for ``base`` (empty when it keeps the base contract)."""
    problems: list[str] = []
    if contract_enforced(base) and not contract_enforced(head):
        problems.append("contract is no longer enforced")
    if is_public(base) and head.get("access") != "public":
        problems.append(f"access narrowed from public to {head.get('access')}")
    base_columns, head_columns = declared_columns(base), declared_columns(head)
    for column, data_type in base_columns.items():
        if column not in head_columns:
            problems.append(f"column `{column}` removed or renamed")
        elif data_type and head_columns[column] != data_type:
            problems.append(f"column `{column}` type changed from {data_type} to {head_columns[column] or 'none'}")
    head_constraints = _constraints(head)
    for column, kinds in _constraints(base).items():
        lost = kinds - head_constraints.get(column, set())
        if lost and column in head_columns | {"(model)": ""}:
            problems.append(f"constraint {', '.join(sorted(lost))} removed from `{column}`")
    return problems


def _additions(base: Node, head: Node) -> list[str]:
    base_columns = declared_columns(base)
    return [f"column `{column}` added" for column in declared_columns(head) if column not in base_columns]


def compare_contracts(
    base_manifest: Manifest | None, head_manifest: Manifest | None, today: date | None = None
) -> list[ContractChange]:
    """Every contract and version change of a public or contracted model, breaking ones marked."""
    today = today or date.today()
    base_models, head_models = _models_by_name(base_manifest), _models_by_name(head_manifest)
    changes: list[ContractChange] = []
    for name, base_nodes in sorted(base_models.items()):
        head_nodes = head_models.get(name, [])
        head_by_version = {str(node.get("version")): node for node in head_nodes}
        for base in sorted(base_nodes, key=lambda node: str(node.get("version"))):
            if not _is_guarded(base):
                continue
            label, path = display_name(base), str(base.get("original_file_path") or "")
            version = str(base.get("version"))
            if base.get("version") is not None:
                candidates = [head_by_version[version]] if version in head_by_version else []
            else:
                # an unversioned model that became versioned keeps its contract if any version keeps it
                candidates = head_nodes
            if not candidates:
                if _deprecated_by(base, today):
                    changes.append(ContractChange(label, "removed", "removed after its deprecation date", False, path))
                else:
                    changes.append(
                        ContractChange(
                            label,
                            "removed",
                            "public model (version) removed without a deprecation date",
                            True,
                            path,
                        )
                    )
                continue
            assessed = sorted(
                ((compatibility_problems(base, head), head) for head in candidates),
                key=lambda pair: len(pair[0]),
            )
            problems, head = assessed[0]
            head_path = str(head.get("original_file_path") or path)
            for problem in problems:
                changes.append(
                    ContractChange(label, "breaking", f"{problem} without a new model version", True, head_path)
                )
            for addition in _additions(base, head):
                changes.append(ContractChange(display_name(head), "column_added", addition, False, head_path))
        base_versions = {str(node.get("version")) for node in base_nodes}
        for head in head_nodes:
            if head.get("version") is not None and str(head.get("version")) not in base_versions:
                changes.append(
                    ContractChange(
                        display_name(head),
                        "version_added",
                        f"new version v{head.get('version')} ({len(declared_columns(head))} columns)",
                        False,
                        str(head.get("original_file_path") or ""),
                    )
                )
        base_latest = {str(node.get("latest_version")) for node in base_nodes}
        head_latest = {str(node.get("latest_version")) for node in head_nodes}
        if head_nodes and base_latest != head_latest and any(_is_guarded(n) for n in base_nodes):
            changes.append(
                ContractChange(
                    name,
                    "latest_version",
                    f"latest version {', '.join(sorted(base_latest))} -> {', '.join(sorted(head_latest))}",
                    False,
                )
            )
    for name, head_nodes in sorted(head_models.items()):
        if name not in base_models and base_manifest is not None:
            for head in head_nodes:
                if _is_guarded(head):
                    changes.append(
                        ContractChange(
                            display_name(head),
                            "model_added",
                            "new public model" if is_public(head) else "new contracted model",
                            False,
                            str(head.get("original_file_path") or ""),
                        )
                    )
    return changes
