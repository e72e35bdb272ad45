"""`cloudcost guard --base REF`: fail when a change would rewrite history or break a public contract."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from cloudcost.commands.options import settings_for, target_option
from cloudcost.diff.dbt_side import Side, reuse_partial_parse, run_dbt_side
from cloudcost.diff.trees import GitError
from cloudcost.diff.workspace import Workspace, open_workspace
from cloudcost.guard.company_history import check_company_history
from cloudcost.guard.contracts import ContractChange, compare_contracts
from cloudcost.guard.seed_history import SeedFinding, check_seed_history
from cloudcost.settings import PROJECT_ROOT, Settings


def contract_changes(
    workspace: Workspace, settings: Settings, show_progress: bool
) -> tuple[list[ContractChange], list[str]]:
    """Parse both trees with dbt and compare the public models' contracts; also dbt's own verdicts."""
    if not workspace.base_has_project:
        return [], []
    base = Side("base", workspace.base_src, workspace.base_dir, settings, "", settings.company_dir)
    head = Side("head", workspace.head_src, workspace.head_dir, settings, "", settings.company_dir)
    parsed = run_dbt_side(base, ["parse"], show_progress)
    if not parsed.success:
        raise click.ClickException(f"dbt could not parse {workspace.ref}:\n  {parsed.describe()}")
    reuse_partial_parse(base, head)
    # dbt compares the contracts itself while selecting state:modified (warning for unversioned models,
    # error for versioned ones); its messages are shown next to the guard's own findings.
    listed = run_dbt_side(
        head,
        ["ls", "--select", "state:modified", "--state", str(base.target_path), "--resource-type", "model"],
        show_progress,
    )
    verdicts = [message.strip() for message in listed.warnings if "breaking change" in message.lower()]
    if not listed.success:
        if head.manifest() is None:
            raise click.ClickException(f"dbt could not parse the working tree:\n  {listed.describe()}")
        verdicts.append(str(listed.exception).strip() if listed.exception is not None else listed.describe())
    return compare_contracts(base.manifest(), head.manifest()), list(dict.fromkeys(verdicts))


def render(
    ref: str, seeds: list[SeedFinding], contracts: list[ContractChange], dbt_verdicts: list[str]
) -> tuple[list[str], int]:
    problems = [f"FAIL {finding.line()}" for finding in seeds if finding.violation]
    problems += [f"FAIL {change.line()}" for change in contracts if change.breaking]
    notes = [f"ok   {finding.line()}" for finding in seeds if not finding.violation]
    notes += [f"ok   {change.line()}" for change in contracts if not change.breaking]
    lines = [*problems, *notes]
    if dbt_verdicts:
        lines.append("dbt's own state comparison said:")
        lines += [f"  {verdict.strip()}" for verdict in dbt_verdicts]
        if not problems:
            problems.append("dbt reported a breaking change")
    if problems:
        lines.append(
            f"cloudcost guard: {len(problems)} problem(s) against {ref}. Mapping rows on {ref} may only be "
            "closed (valid_to) and superseded by a new row with a new valid_from; a breaking change to a "
            "public model needs a new model version (see CONTRIBUTING.md)."
        )
    else:
        lines.append(f"cloudcost guard: ok against {ref} (no history rewritten, no public contract broken)")
    return lines, len(problems)


@click.command("guard")
@click.option("--base", "base_ref", required=True, help="Git ref to compare with (e.g. main, origin/main, HEAD~1).")
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=PROJECT_ROOT,
    show_default="the cloudcost project",
    help="The project (working tree of a git repository) to check.",
)
@target_option
@click.option("--seeds-only", is_flag=True, help="Only check the effective-dated seeds (no dbt parse).")
@click.option("--keep", is_flag=True, help="Keep the scratch folder (parsed manifests) for inspection.")
@click.option("--quiet", is_flag=True, help="No progress output on stderr.")
def guard(base_ref: str, project_dir: Path, target: str | None, seeds_only: bool, keep: bool, quiet: bool) -> None:
    """Fail when the working tree rewrites mapping history or breaks a public model's contract.

    \b
    Checks, against the git ref given by --base:
      * every row of a mapping seed (seeds/map_*.csv) or other seed with a valid_from column that exists
        on the base is still there unchanged, or only closed by setting its empty valid_to;
      * the same for the company folder's effective-dated files (--company / CLOUDCOST_COMPANY_DIR), read
        from the git repository that holds the folder at the same ref; a mapping seed of seeds/ on the base
        that is now a company file (company data moved out of the product) is compared with the company
        folder's copy as one history;
      * every public (or contract-enforced) model version on the base keeps its columns, their data types,
        its constraints and its enforced contract; breaking changes need a new model version.
    Exits 1 naming each offending seed row or model column, 0 when everything is kept.
    """
    project_dir = project_dir.resolve()
    show_progress = not quiet
    settings = settings_for(target)
    try:
        workspace = open_workspace(project_dir, base_ref, None, keep, "guard", show_progress)
    except GitError as error:
        raise click.ClickException(str(error)) from error
    try:
        seeds = check_seed_history(project_dir, workspace.commit, base_ref, settings.company_dir)
        if settings.company_dir is not None:
            seeds += check_company_history(settings.company_dir, base_ref)
        contracts: list[ContractChange] = []
        dbt_verdicts: list[str] = []
        if not seeds_only:
            scratch = replace(settings, duckdb_path=workspace.root / "parse-only.duckdb")
            contracts, dbt_verdicts = contract_changes(workspace, scratch, show_progress)
    finally:
        workspace.close()
    lines, problem_count = render(base_ref, seeds, contracts, dbt_verdicts)
    for line in lines:
        click.echo(line)
    if problem_count:
        raise SystemExit(1)
