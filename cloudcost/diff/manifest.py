"""Reading dbt manifests: buildable nodes, their names, versions, contracts, lineage and relations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Manifest = dict[str, Any]
Node = dict[str, Any]

BUILDABLE = ("model", "seed", "snapshot")


def buildable_nodes(manifest: Manifest | None) -> dict[str, Node]:
    """Models, seeds and snapshots by unique id (nothing when there is no manifest)."""
    if manifest is None:
        return {}
    return {
        unique_id: node
        for unique_id, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") in BUILDABLE
    }


def display_name(node: Node) -> str:
    """``fct_cost_daily.v1`` for a model version, the plain name otherwise."""
    version = node.get("version")
    return f"{node['name']}.v{version}" if version is not None else str(node["name"])


def selector_name(node: Node) -> str:
    """How to select exactly this node on dbt's command line."""
    return display_name(node)


def is_public(node: Node) -> bool:
    return node.get("resource_type") == "model" and node.get("access") == "public"


def contract_enforced(node: Node) -> bool:
    return bool(((node.get("contract") or {}).get("enforced")) or False)


def materialization(node: Node) -> str:
    return str((node.get("config") or {}).get("materialized") or "")


def has_relation(node: Node) -> bool:
    """Whether dbt materializes the node as a relation one can query."""
    return materialization(node) != "ephemeral"


def declared_columns(node: Node) -> dict[str, str]:
    """Declared columns and their data types (lower-case, '' when the YAML gives none), in YAML order."""
    return {
        str(name).lower(): str((column or {}).get("data_type") or "").strip().lower()
        for name, column in (node.get("columns") or {}).items()
    }


def descendants(manifest: Manifest, unique_ids: Iterable[str]) -> set[str]:
    """The nodes and everything downstream of them (dbt's ``+`` suffix)."""
    child_map: dict[str, list[str]] = manifest.get("child_map", {})
    seen: set[str] = set()
    stack = list(unique_ids)
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(child_map.get(current, []))
    return seen


def ancestors(manifest: Manifest, unique_ids: Iterable[str]) -> set[str]:
    """The nodes and everything upstream of them (dbt's ``+`` prefix)."""
    parent_map: dict[str, list[str]] = manifest.get("parent_map", {})
    seen: set[str] = set()
    stack = list(unique_ids)
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(parent_map.get(current, []))
    return seen


def latest_model(manifest: Manifest | None, name: str) -> Node | None:
    """The model users get from ``ref(name)``: the latest version of a versioned model, else the model."""
    found = [
        node
        for node in buildable_nodes(manifest).values()
        if node.get("resource_type") == "model" and node.get("name") == name
    ]
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    latest = found[0].get("latest_version")
    for node in found:
        if str(node.get("version")) == str(latest):
            return node
    return max(found, key=lambda node: str(node.get("version")))


def primary_key(manifest: Manifest | None, unique_id: str) -> str | None:
    """The column a `unique` test guards on the node (preferring one that is also `not_null`)."""
    tested: dict[str, set[str]] = {}
    for node in (manifest or {}).get("nodes", {}).values():
        metadata = node.get("test_metadata") or {}
        if node.get("resource_type") != "test" or node.get("attached_node") != unique_id:
            continue
        if metadata.get("name") in {"unique", "not_null"} and node.get("column_name"):
            tested.setdefault(str(node["column_name"]).lower(), set()).add(str(metadata["name"]))
    unique = sorted(column for column, tests in tested.items() if "unique" in tests)
    both = [column for column in unique if "not_null" in tested[column]]
    return (both or unique or [None])[0]
