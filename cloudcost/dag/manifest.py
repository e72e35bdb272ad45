"""Read a dbt manifest (target/manifest.json) as a graph of models, and check the project's DAG rules.

Layers come from the folder under models/ (staging, intermediate, marts); a mart is a model under
models/marts/ whose name starts with fct_ or dim_.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

MAX_DEPTH = 8
GRAIN_TESTS = ("unique", "unique_combination")
# nodes a chain passes through without counting them; a snapshot starts a chain, like a source (it keeps
# history a build does not recompute)
PASS_THROUGH = ("seed",)


@dataclass(frozen=True)
class Model:
    unique_id: str
    name: str
    path: str  # original_file_path
    parents: tuple[str, ...]  # unique ids of every node it depends on

    @property
    def layer(self) -> str:
        parts = Path(self.path).parts
        return parts[1] if len(parts) > 2 and parts[0] == "models" else "other"

    @property
    def folder(self) -> str:
        parts = Path(self.path).parts
        return parts[2] if len(parts) > 3 else ""

    @property
    def is_mart(self) -> bool:
        return self.layer == "marts" and self.name.startswith(("fct_", "dim_"))

    @property
    def is_dimension(self) -> bool:
        return self.is_mart and self.name.startswith("dim_")


def load_manifest(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def models(manifest: dict[str, Any]) -> dict[str, Model]:
    """Every model of the root project by unique id."""
    project = manifest["metadata"].get("project_name")
    found = {}
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or (project and node["package_name"] != project):
            continue
        parents = tuple(node["depends_on"]["nodes"])
        found[uid] = Model(uid, node["name"], node["original_file_path"], parents)
    return found


def mart_readers(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """(reader, mart) for every model that reads a mart against the rule: only marts read marts, and only dim_."""
    every = models(manifest)
    broken = []
    for model in every.values():
        for parent_id in model.parents:
            parent = every.get(parent_id)
            if parent is None or not parent.is_mart:
                continue
            if not (model.is_mart and parent.is_dimension):
                broken.append((model.name, parent.name))
    return sorted(set(broken))


def longest_chain(manifest: dict[str, Any]) -> list[str]:
    """The longest chain of models from a source to a mart (seeds and snapshots pass through uncounted)."""
    every = models(manifest)
    nodes = manifest["nodes"]

    @cache
    def chain(uid: str) -> tuple[str, ...]:
        best: tuple[str, ...] = ()
        for parent in _parents(nodes, uid):
            candidate = chain(parent)
            if len(candidate) > len(best):
                best = candidate
        return (*best, nodes[uid]["name"]) if uid in every else best

    marts = [uid for uid, model in every.items() if model.is_mart]
    return list(max((chain(uid) for uid in marts), key=len, default=()))


def _parents(nodes: dict[str, Any], uid: str) -> Iterable[str]:
    for parent in nodes[uid].get("depends_on", {}).get("nodes", []):
        node = nodes.get(parent)
        if node is not None and (node["resource_type"] == "model" or node["resource_type"] in PASS_THROUGH):
            yield parent


def dag_depth(manifest: dict[str, Any]) -> int:
    return len(longest_chain(manifest))


def models_without_grain_test(manifest: dict[str, Any]) -> list[str]:
    """Models with no unique / unique_combination test (on a column or the model)."""
    tested = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        if (node.get("test_metadata") or {}).get("name") in GRAIN_TESTS and node.get("attached_node"):
            tested.add(node["attached_node"])
    return sorted(model.name for uid, model in models(manifest).items() if uid not in tested)


def misplaced_unit_tests(manifest: dict[str, Any]) -> list[str]:
    """Unit tests filed in another folder than the model they test (CONTRIBUTING: beside the model)."""
    every = models(manifest)
    wrong = []
    for test in manifest.get("unit_tests", {}).values():
        parents = [every[uid] for uid in test["depends_on"]["nodes"] if uid in every]
        tested = [model for model in parents if model.name == test["model"]]
        if tested and Path(test["original_file_path"]).parent != Path(tested[0].path).parent:
            wrong.append(f"{test['name']} ({test['original_file_path']}) tests {test['model']} ({tested[0].path})")
    return sorted(wrong)


def version_rule_breaks(manifest: dict[str, Any]) -> list[str]:
    """Public marts against CONTRIBUTING's version rule: contract enforced; a versioned mart's latest version
    keeps the plain name (alias) and an older one is aliased <name>_v<N>."""
    problems = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node.get("access") != "public":
            continue
        name, version = node["name"], node.get("version")
        if not node["config"]["contract"]["enforced"]:
            problems.append(f"{name}: public without an enforced contract")
        if version is None:
            continue
        wanted = name if str(version) == str(node.get("latest_version")) else f"{name}_v{version}"
        if node.get("alias") != wanted:
            problems.append(f"{name} v{version}: alias {node.get('alias')!r}, expected {wanted!r}")
    return sorted(problems)
