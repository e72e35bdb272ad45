"""`cloudcost diff --base REF`: what the working tree's change does to the public marts' numbers."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cloudcost.commands.options import settings_for, target_option
from cloudcost.diff.report import render_markdown
from cloudcost.diff.run import run_diff
from cloudcost.diff.trees import GitError
from cloudcost.diff.warehouses import WarehouseError
from cloudcost.diff.workspace import open_workspace
from cloudcost.settings import PROJECT_ROOT


@click.command("diff")
@click.option("--base", "base_ref", required=True, help="Git ref to compare with (e.g. main or origin/main).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the Markdown report to this file.",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write every compared row as JSON to this file.",
)
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=PROJECT_ROOT,
    show_default="the cloudcost project",
    help="The project (working tree of a git repository) to compare.",
)
@target_option
@click.option(
    "--work-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Empty folder for the scratch trees, targets and DuckDB files (default: a temporary folder).",
)
@click.option("--keep", is_flag=True, help="Keep the scratch folder (and Postgres scratch schemas) afterwards.")
@click.option("--top", type=int, default=20, show_default=True, help="Rows per table in the Markdown report.")
@click.option(
    "--tolerance",
    type=float,
    default=1e-6,
    show_default=True,
    help="Differences up to this (absolute) are not reported.",
)
@click.option(
    "--with-tests",
    is_flag=True,
    help="Also run the dbt tests of the changed nodes on the working tree (exit 1 when one fails).",
)
@click.option("--quiet", is_flag=True, help="No progress output on stderr.")
def diff(
    base_ref: str,
    out: Path | None,
    json_out: Path | None,
    project_dir: Path,
    target: str | None,
    work_dir: Path | None,
    keep: bool,
    top: int,
    tolerance: float,
    with_tests: bool,
    quiet: bool,
) -> None:
    """Compare the marts built from REF with those built from the working tree, on the same raw data.

    The base ref (exported with git archive) and the working tree are built side by side on the raw
    data already loaded in CLOUDCOST_TARGET (DuckDB: copied into two scratch files; Postgres: two sets
    of scratch schemas). Only what changed is rebuilt: state:modified+ against the base manifest.
    Prints a Markdown report on stdout: key metrics by month and team / functional group / host type
    with the largest movers first, cost moved between groups, changed models with row counts, contract
    and version changes. Progress goes to stderr. Exits 0 whatever moved; non-zero only on errors.
    """
    settings = settings_for(target)
    show_progress = not quiet
    try:
        workspace = open_workspace(project_dir.resolve(), base_ref, work_dir, keep, "diff", show_progress)
    except GitError as error:
        raise click.ClickException(str(error)) from error
    try:
        result = run_diff(workspace, settings, tolerance=tolerance, show_progress=show_progress, with_tests=with_tests)
    except (GitError, WarehouseError) as error:
        raise click.ClickException(str(error)) from error
    finally:
        workspace.close()
    markdown = render_markdown(result, top=top)
    click.echo(markdown, nl=not markdown.endswith("\n"))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(markdown)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result.to_json(), indent=2, default=str))
    if result.failed_tests:
        raise click.ClickException(
            f"{len(result.failed_tests)} dbt test(s) failed on the working tree: " + ", ".join(result.failed_tests)
        )
