"""Orchestrate one comparison: parse, select what changed, build both sides, read the numbers.

1. Parse the base ref; list ``state:modified`` of the working tree against the base manifest (everything when
   the base has no dbt project) and add everything downstream (``+``). Nothing selected → nothing changed.
2. Build on the base only what the comparison needs: the changed nodes that exist there, the unchanged
   parents of the changed nodes and the marts compared, with their ancestors (no tests: the numbers are
   the point here).
3. Build the changed nodes on the working tree with ``--full-refresh`` on top of the base build (DuckDB: a
   copy of the base file; Postgres: dbt's ``--defer`` to the base schemas).
4. Compare row counts, contracts and the key metrics of the public marts that were rebuilt.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field, replace

import click

from cloudcost.diff import warehouses
from cloudcost.diff.company import company_at_ref
from cloudcost.diff.compare import DuckDBReader, PostgresReader, SideReader, keyed_changes, metric_tables, moves
from cloudcost.diff.dbt_side import DbtCall, Side, reuse_partial_parse, run_dbt_side
from cloudcost.diff.manifest import (
    Manifest,
    Node,
    buildable_nodes,
    declared_columns,
    descendants,
    display_name,
    has_relation,
    is_public,
    latest_model,
    materialization,
    primary_key,
    selector_name,
)
from cloudcost.diff.metrics import METRIC_SPECS, MOVE_SPECS, MetricSpec, MoveSpec
from cloudcost.diff.result import DiffResult, NodeChange
from cloudcost.diff.schema_prefix import check_schemas, install_schema_prefix
from cloudcost.diff.workspace import Workspace
from cloudcost.guard.company_history import check_company_history
from cloudcost.guard.contracts import compare_contracts
from cloudcost.guard.seed_history import check_seed_history
from cloudcost.settings import Settings

NO_TESTS = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
BUILDABLE_TYPES = ["--resource-type", "model", "--resource-type", "seed", "--resource-type", "snapshot"]
# On Postgres every relation of the two sides differs by its schema prefix, so state:modified.relation is
# left out there; everything else dbt compares (code, configs, docs, macros, contracts, new nodes) counts.
POSTGRES_MODIFIED = (
    "state:new state:modified.body state:modified.configs state:modified.persisted_descriptions "
    "state:modified.macros state:modified.contract"
)


class DiffError(click.ClickException):
    """A step of the comparison failed (dbt error, unusable raw data); exit status 1."""


@dataclass
class Sides:
    base: Side
    head: Side
    prefixes: list[str]


@dataclass
class Selection:
    """What the working tree changes, by unique id, and what the base must build to compare it."""

    base_manifest: Manifest | None
    head_manifest: Manifest
    modified: set[str]
    changed: set[str]
    removed: set[str]
    needed_on_base: set[str] = field(default_factory=set)
    compared: list[tuple[MetricSpec | MoveSpec, Node, Node]] = field(default_factory=list)
    keyed: list[tuple[str, Node, Node]] = field(default_factory=list)  # (primary key, base node, head node)

    @property
    def base_nodes(self) -> dict[str, Node]:
        return buildable_nodes(self.base_manifest)

    @property
    def head_nodes(self) -> dict[str, Node]:
        return buildable_nodes(self.head_manifest)


def _echo(show: bool, message: str) -> None:
    if show:
        click.echo(f"cloudcost diff: {message}", err=True)


def _require(call: DbtCall, what: str) -> None:
    if not call.success:
        raise DiffError(f"{what} failed:\n  {call.describe()}")


def make_sides(workspace: Workspace, settings: Settings) -> Sides:
    """Scratch DuckDB files (same file name, two folders), or two schema prefixes on Postgres."""
    base_company = company_at_ref(settings.company_dir, workspace.ref, workspace.root / "base-company")
    head_company = settings.company_dir
    if settings.target == "duckdb":
        base_db = warehouses.scratch_duckdb_path(workspace.base_dir)
        head_db = warehouses.scratch_duckdb_path(workspace.head_dir)
        return Sides(
            base=Side(
                "base", workspace.base_src, workspace.base_dir, replace(settings, duckdb_path=base_db), "", base_company
            ),
            head=Side(
                "head", workspace.head_src, workspace.head_dir, replace(settings, duckdb_path=head_db), "", head_company
            ),
            prefixes=[],
        )
    token = secrets.token_hex(3)
    base_prefix, head_prefix = f"ccdiff_{token}_base", f"ccdiff_{token}_head"
    if workspace.base_has_project:
        install_schema_prefix(workspace.base_src)
    install_schema_prefix(workspace.head_src)
    return Sides(
        base=Side("base", workspace.base_src, workspace.base_dir, settings, base_prefix, base_company),
        head=Side("head", workspace.head_src, workspace.head_dir, settings, head_prefix, head_company),
        prefixes=[base_prefix, head_prefix],
    )


def check_isolation(side: Side, manifest: Manifest) -> None:
    """Refuse to build unless every relation of this side lands in its own scratch space."""
    if side.schema_prefix:
        wrong = check_schemas(manifest, side.schema_prefix)
        where = f"its scratch schemas ({side.schema_prefix}_*)"
    else:
        expected = warehouses.SCRATCH_DATABASE
        wrong = [
            f"{uid} -> {node.get('database')}"
            for uid, node in buildable_nodes(manifest).items()
            if node.get("database") != expected
        ]
        where = f"its scratch DuckDB file (database {expected}; does your profiles.yml read CLOUDCOST_DUCKDB_PATH?)"
    if wrong:
        raise DiffError(f"the {side.label} side would write outside {where}: " + ", ".join(wrong[:5]))


def _listed_ids(call: DbtCall) -> set[str]:
    found: set[str] = set()
    for line in call.result or []:
        try:
            found.add(str(json.loads(line)["unique_id"]))
        except (TypeError, ValueError, KeyError):
            continue
    return found


def select_changes(workspace: Workspace, sides: Sides, target: str, show: bool) -> Selection:
    """Parse the base, list state:modified on the working tree, and add everything downstream."""
    base, head = sides.base, sides.head
    base_manifest: Manifest | None = None
    if workspace.base_has_project:
        _echo(show, f"parsing {workspace.ref}")
        _require(run_dbt_side(base, ["parse"], show), f"dbt parse of {workspace.ref}")
        base_manifest = base.manifest()
        if base_manifest is None:
            raise DiffError(f"dbt wrote no manifest for {workspace.ref}")
        check_isolation(base, base_manifest)
        if target == "duckdb":
            # on Postgres the schema prefix differs per side, which needs a full parse anyway
            reuse_partial_parse(base, head)
    _echo(show, "selecting what changed in the working tree (state:modified+)")
    modified: set[str] = set()
    if base_manifest is not None:
        selector = "state:modified" if target == "duckdb" else POSTGRES_MODIFIED
        listed = run_dbt_side(
            head,
            ["ls", "--select", selector, "--state", str(base.target_path), *BUILDABLE_TYPES]
            + ["--output", "json", "--output-keys", "unique_id"],
            show,
        )
        _require(listed, "dbt ls state:modified of the working tree")
        modified = _listed_ids(listed)
    else:
        _require(run_dbt_side(head, ["parse"], show), "dbt parse of the working tree")
    head_manifest = head.manifest()
    if head_manifest is None:
        raise DiffError("dbt wrote no manifest for the working tree")
    check_isolation(head, head_manifest)
    head_ids = set(buildable_nodes(head_manifest))
    if base_manifest is None:
        modified = head_ids
    return Selection(
        base_manifest=base_manifest,
        head_manifest=head_manifest,
        modified=modified,
        changed=descendants(head_manifest, modified) & head_ids,
        removed=set(buildable_nodes(base_manifest)) - head_ids,
    )


def _test_parents(manifest: Manifest, changed: set[str]) -> set[str]:
    """Unchanged nodes that tests of the changed nodes also read (they must exist on the head side)."""
    parents: set[str] = set()
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "test":
            continue
        depends = set((node.get("depends_on") or {}).get("nodes") or [])
        if depends & changed:
            parents |= depends - changed
    return parents


def plan_base_build(selection: Selection, with_tests: bool) -> None:
    """Fill ``needed_on_base`` (built with their ancestors) and the marts to compare."""
    base_nodes = selection.base_nodes
    parent_map = selection.head_manifest.get("parent_map", {})
    needed = {uid for uid in selection.changed if uid in base_nodes}
    needed |= {
        parent
        for uid in selection.changed
        for parent in parent_map.get(uid, [])
        if parent not in selection.changed and parent in base_nodes
    }
    for spec in (*METRIC_SPECS, *MOVE_SPECS):
        before = latest_model(selection.base_manifest, spec.model)
        after = latest_model(selection.head_manifest, spec.model)
        if before is None or after is None or after["unique_id"] not in selection.changed:
            continue
        if has_relation(before) and has_relation(after):
            needed.add(before["unique_id"])
            selection.compared.append((spec, before, after))
    specified = {spec.model for spec, _before, _after in selection.compared}
    for uid in sorted(selection.changed & set(base_nodes)):
        after, before = selection.head_nodes[uid], base_nodes[uid]
        if not is_public(after) or after["name"] in specified or not (has_relation(after) and has_relation(before)):
            continue
        key = primary_key(selection.head_manifest, uid)
        if key is not None and key == primary_key(selection.base_manifest, uid):
            needed.add(uid)
            selection.keyed.append((key, before, after))
    if with_tests:
        needed |= _test_parents(selection.head_manifest, selection.changed) & set(base_nodes)
    selection.needed_on_base = {uid for uid in needed if has_relation(base_nodes[uid])}


def build_sides(
    workspace: Workspace, settings: Settings, sides: Sides, selection: Selection, with_tests: bool, show: bool
) -> list[str]:
    """Build the base's needed nodes, then the working tree's changed nodes; returns failed test ids."""
    base, head = sides.base, sides.head
    if settings.target == "duckdb":
        _echo(show, f"copying the raw data into {base.settings.duckdb_path}")
        warehouses.copy_raw_duckdb(settings.duckdb_path, base.settings.duckdb_path)
    if selection.needed_on_base:
        _echo(show, f"building {workspace.ref}: {len(selection.needed_on_base)} node(s) and their parents")
        names = sorted(f"+{selector_name(selection.base_nodes[uid])}" for uid in selection.needed_on_base)
        _require(run_dbt_side(base, ["build", "--select", *names, *NO_TESTS], show), f"dbt build of {workspace.ref}")
    if settings.target == "duckdb":
        warehouses.clone_duckdb(base.settings.duckdb_path, head.settings.duckdb_path)
    if not selection.changed:
        return []
    head_nodes = selection.head_nodes
    args = ["build", "--select", *sorted(selector_name(head_nodes[uid]) for uid in selection.changed)]
    args += ["--full-refresh", *([] if with_tests else NO_TESTS)]
    if settings.target == "postgres" and selection.base_manifest is not None:
        args += ["--defer", "--state", str(base.target_path)]
    _echo(show, f"building the working tree: {len(selection.changed)} changed node(s)")
    built = run_dbt_side(head, args, show)
    failed_tests = [uid for uid in built.failed_nodes if uid.startswith(("test.", "unit_test."))]
    if not built.success and not (failed_tests and len(failed_tests) == len(built.failed_nodes)):
        _require(built, "dbt build of the working tree")
    selection.head_manifest = head.manifest() or selection.head_manifest
    return sorted(failed_tests)


def read_results(reader: SideReader, selection: Selection, result: DiffResult, tolerance: float) -> None:
    """Row counts, contract changes, public columns and metric deltas into ``result``."""
    head_nodes = selection.head_nodes
    result.nodes = _node_changes(reader, selection)
    result.contracts = compare_contracts(selection.base_manifest, selection.head_manifest)
    result.public_columns = {
        display_name(head_nodes[uid]): declared_columns(head_nodes[uid])
        for uid in selection.changed
        if is_public(head_nodes[uid])
    }
    for spec, before, after in selection.compared:
        if isinstance(spec, MetricSpec):
            result.metric_tables += metric_tables(reader, spec, before, after, tolerance)
        else:
            result.moves += moves(reader, spec, before, after, tolerance)
    for key, before, after in selection.keyed:
        found = keyed_changes(reader, display_name(after), key, before, after, tolerance)
        if found is not None:
            result.keyed.append(found)


def _node_changes(reader: SideReader, selection: Selection) -> list[NodeChange]:
    base_nodes, head_nodes = selection.base_nodes, selection.head_nodes
    changes: list[NodeChange] = []
    for uid in sorted(selection.changed | selection.removed):
        node = head_nodes.get(uid) or base_nodes[uid]
        if uid in selection.removed:
            kind = "removed"
        elif uid not in base_nodes:
            kind = "new"
        else:
            kind = "modified" if uid in selection.modified else "downstream"
        change = NodeChange(
            unique_id=uid,
            name=display_name(node),
            resource_type=str(node.get("resource_type")),
            change=kind,
            access=str(node.get("access") or "") if node.get("resource_type") == "model" else "",
            materialized=materialization(node),
        )
        if has_relation(node):
            if uid in selection.needed_on_base:
                change.rows_base = reader.row_count("base", base_nodes[uid])
            if uid in selection.changed:
                change.rows_head = reader.row_count("head", head_nodes[uid])
        changes.append(change)
    return changes


def run_diff(
    workspace: Workspace,
    settings: Settings,
    tolerance: float = 1e-6,
    show_progress: bool = True,
    with_tests: bool = False,
) -> DiffResult:
    """Build both sides and compare them; raises DiffError (or WarehouseError) on any failure.

    With ``with_tests`` the working tree's changed nodes are also tested (dbt build with tests; the base
    builds the other parents of those tests); failing tests are listed in ``DiffResult.failed_tests``.
    """
    show = show_progress
    sides = make_sides(workspace, settings)
    try:
        raw_tables = (
            warehouses.count_raw_duckdb(settings.duckdb_path)
            if settings.target == "duckdb"
            else warehouses.raw_tables_postgres(settings)
        )
        result = DiffResult(
            ref=workspace.ref,
            commit=workspace.commit,
            target=settings.target,
            raw_tables=raw_tables,
            base_has_project=workspace.base_has_project,
        )
        selection = select_changes(workspace, sides, settings.target, show)
        if not selection.changed and not selection.removed:
            return result
        result.seed_findings = check_seed_history(workspace.project_dir, workspace.commit, workspace.ref)
        if settings.company_dir is not None:
            result.seed_findings += check_company_history(settings.company_dir, workspace.ref)
        plan_base_build(selection, with_tests)
        result.failed_tests = build_sides(workspace, settings, sides, selection, with_tests, show)
        _echo(show, "comparing row counts, contracts and key metrics")
        reader: SideReader = (
            DuckDBReader(sides.base.settings.duckdb_path, sides.head.settings.duckdb_path)
            if settings.target == "duckdb"
            else PostgresReader(settings)
        )
        try:
            read_results(reader, selection, result, tolerance)
        finally:
            reader.close()
        return result
    finally:
        if sides.prefixes and not workspace.keep:
            warehouses.drop_prefixed_schemas(settings, sides.prefixes)
