"""`cloudcost build`: dbt seed, then dbt build (models, snapshots and tests in DAG order)."""

from __future__ import annotations

import click

from cloudcost.commands.options import settings_for, target_option
from cloudcost.dbt_runner import DbtOutcome, run_dbt
from cloudcost.finance.close_check import describe_close_failures
from cloudcost.settings import Settings


def describe_failures(outcome: DbtOutcome) -> list[str]:
    lines = []
    for result in outcome.failures():
        node = getattr(result, "node", None)
        name = getattr(node, "name", "?")
        message = (getattr(result, "message", "") or "").strip().splitlines()
        lines.append(f"{name}: {message[0] if message else result.status}")
    return lines


def build_all(settings: Settings, full_refresh: bool = False, select: str | None = None) -> DbtOutcome:
    """Seed the mapping tables, then build and test everything; raises ClickException on failure."""
    from cloudcost.company import read_company_folder

    read_company_folder(settings.company_dir)  # a bad company file stops here, before dbt runs
    company = settings.company_dir or "none (the neutral starter; --company DIR or CLOUDCOST_COMPANY_DIR)"
    click.echo(f"cloudcost build: company folder {company}")
    click.echo(f"cloudcost build: dbt seed on {settings.target}")
    seed_args = ["seed"] + (["--full-refresh"] if full_refresh else [])
    seeded = run_dbt(seed_args, settings)
    if not seeded.success:
        raise click.ClickException("dbt seed failed: " + "; ".join(describe_failures(seeded) or ["see log"]))
    click.echo(f"cloudcost build: dbt build on {settings.target}")
    build_args = ["build"]
    if full_refresh:
        build_args.append("--full-refresh")
    if select:
        build_args += ["--select", select]
    if settings.target == "postgres":
        from cloudcost.pg_roles import ensure_reader_role

        ensure_reader_role(settings)
    outcome = run_dbt(build_args, settings)
    # the dashboard reads a published copy: publish unless a model, seed or snapshot failed to build
    from cloudcost.publish import publish_after_build

    published = publish_after_build(settings, outcome.results)
    if published:
        click.echo(f"cloudcost build: {published.summary()}")
    if not outcome.success:
        # a closed billing period that fails reconciliation is a leaf test: everything else is built
        failures = describe_failures(outcome) + describe_close_failures(outcome, settings)
        detail = "\n  ".join(failures) if failures else str(outcome.exception or "see the dbt log above")
        raise click.ClickException(f"dbt build failed:\n  {detail}")
    return outcome


@click.command()
@target_option
@click.option("--full-refresh", is_flag=True, help="Rebuild incremental models from scratch.")
@click.option("--select", default=None, help="dbt node selection (default: everything).")
def build(target: str | None, full_refresh: bool, select: str | None) -> None:
    """Run `dbt seed` then `dbt build` against CLOUDCOST_TARGET.

    Snapshots run inside `dbt build` in DAG order. Exits non-zero and names each failing node.
    """
    settings = settings_for(target)
    outcome = build_all(settings, full_refresh=full_refresh, select=select)
    click.echo(f"cloudcost build: {len(outcome.results)} nodes built and tested on {settings.target}")
