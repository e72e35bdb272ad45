"""The DAG rules of CONTRIBUTING, checked on the manifest of `dbt parse`: marts are leaves, the DAG is shallow,
every model has a grain test, unit tests sit beside their model, public marts follow the version rule, and
docs/architecture.md shows the current DAG."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from cloudcost.dag import manifest as dag
from cloudcost.dag.picture import BEGIN, END, mermaid, replace_picture
from cloudcost.settings import load_settings
from tests.dbt_harness import PROJECT_ROOT, DbtWorkspace

# the longest chain today; the target is dag.MAX_DEPTH (lower this as chains get shorter, never raise it)
DEPTH_NOW = 9


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("dag")
    settings = replace(load_settings("duckdb"), duckdb_path=root / "unused.duckdb")
    workspace = DbtWorkspace.create(root / "project", settings)
    workspace.dbt("parse")
    return json.loads((workspace.root / "target" / "manifest.json").read_text())


def test_only_marts_read_marts_and_only_dimensions(manifest: dict[str, Any]) -> None:
    assert dag.mart_readers(manifest) == []


def test_dag_depth_does_not_grow(manifest: dict[str, Any]) -> None:
    chain = dag.longest_chain(manifest)
    assert len(chain) <= DEPTH_NOW, " -> ".join(chain)


@pytest.mark.xfail(strict=True, reason=f"the longest chain is {DEPTH_NOW} models; the target is {dag.MAX_DEPTH}")
def test_dag_depth_within_target(manifest: dict[str, Any]) -> None:
    chain = dag.longest_chain(manifest)
    assert len(chain) <= dag.MAX_DEPTH, " -> ".join(chain)


def test_every_model_has_a_grain_test(manifest: dict[str, Any]) -> None:
    assert dag.models_without_grain_test(manifest) == []


def test_unit_tests_sit_beside_their_model(manifest: dict[str, Any]) -> None:
    assert dag.misplaced_unit_tests(manifest) == []


def test_public_marts_follow_the_version_rule(manifest: dict[str, Any]) -> None:
    assert dag.version_rule_breaks(manifest) == []


# Postgres cuts identifiers at 63 bytes and dbt names a unit test's scratch relation after the test (plus `_v<N>`
# for a versioned model): a longer name fails there only, in `cloudcost check`
POSTGRES_IDENTIFIER_LIMIT = 63


def test_unit_test_relations_fit_postgres_identifiers(manifest: dict[str, Any]) -> None:
    too_long = []
    for node in manifest.get("unit_tests", {}).values():
        version = node.get("version")
        relation = node["name"] + (f"_v{version}" if version is not None else "")
        if len(relation) > POSTGRES_IDENTIFIER_LIMIT:
            too_long.append(f"{relation} ({len(relation)})")
    assert too_long == []


def test_architecture_picture_is_current(manifest: dict[str, Any]) -> None:
    document = (PROJECT_ROOT / "docs" / "architecture.md").read_text()
    assert BEGIN in document and END in document
    assert replace_picture(document, mermaid(manifest)) == document, (
        "docs/architecture.md is stale: run `dbt parse` and "
        "`python -m cloudcost.dag.picture target/manifest.json docs/architecture.md`"
    )


# -- the checks themselves, on a hand-made manifest -------------------------------------------------------
def _node(name: str, path: str, parents: list[str], kind: str = "model") -> tuple[str, dict[str, Any]]:
    uid = f"{kind}.p.{name}"
    node = {
        "resource_type": kind,
        "name": name,
        "package_name": "p",
        "original_file_path": path,
        "depends_on": {"nodes": parents},
    }
    return uid, node


def _manifest(*nodes: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"metadata": {"project_name": "p"}, "nodes": dict(nodes), "unit_tests": {}}


def test_the_checks_find_a_mart_read_by_an_intermediate_model_and_count_the_chain() -> None:
    manifest = _manifest(
        _node("stg_a", "models/staging/a/stg_a.sql", ["source.p.raw.a"]),
        _node("dim_a", "models/marts/a/dim_a.sql", ["model.p.stg_a"]),
        _node("int_b", "models/intermediate/b/int_b.sql", ["model.p.dim_a", "seed.p.s"]),
        _node("s", "seeds/s.csv", [], kind="seed"),
        _node("fct_b", "models/marts/b/fct_b.sql", ["model.p.int_b", "model.p.dim_a"]),
        _node("fct_c", "models/marts/b/fct_c.sql", ["model.p.fct_b"]),
    )
    assert dag.mart_readers(manifest) == [("fct_c", "fct_b"), ("int_b", "dim_a")]
    assert dag.longest_chain(manifest) == ["stg_a", "dim_a", "int_b", "fct_b", "fct_c"]
    assert dag.models_without_grain_test(manifest) == ["dim_a", "fct_b", "fct_c", "int_b", "stg_a"]


def test_a_snapshot_starts_a_chain() -> None:
    manifest = _manifest(
        _node("stg_a", "models/staging/a/stg_a.sql", []),
        _node("int_a", "models/intermediate/a/int_a.sql", ["model.p.stg_a"]),
        _node("snp_a", "snapshots/snp_a.sql", ["model.p.int_a"], kind="snapshot"),
        _node("fct_a", "models/marts/a/fct_a.sql", ["snapshot.p.snp_a"]),
    )
    assert dag.longest_chain(manifest) == ["fct_a"]


def test_picture_markers_are_required(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="markers"):
        replace_picture("no markers here", "x")
    assert replace_picture(f"a\n{BEGIN}\nold\n{END}\nb", "new") == f"a\n{BEGIN}\nnew\n{END}\nb"
