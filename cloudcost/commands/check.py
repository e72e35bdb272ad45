"""`cloudcost check`: every dbt test and unit test on an up-to-date build (what CI runs on each engine)."""

from __future__ import annotations

import time

import click

from cloudcost.build_state import record_build, up_to_date
from cloudcost.commands.build import build_all, describe_failures
from cloudcost.commands.options import settings_for, target_option
from cloudcost.dbt_runner import DbtOutcome, run_dbt
from cloudcost.settings import Settings


def check_all(settings: Settings) -> DbtOutcome:
    """Run every test on the current build, building first (with every test) when its inputs changed."""
    unchanged, _, record = up_to_date(settings, with_tests=False)
    if not unchanged:
        click.echo("cloudcost check: the build is not up to date with its inputs; building with every test")
        return build_all(settings, with_tests=True, force=True)
    if record is not None and record.with_tests:
        click.echo("cloudcost check: every test already passed on this build; nothing to do")
        return DbtOutcome(success=True, results=[], exception=None)
    click.echo(f"cloudcost check: dbt test (every data test and unit test) on {settings.target}")
    started = time.perf_counter()
    outcome = run_dbt(["test"], settings)
    if not outcome.success:
        detail = "\n  ".join(describe_failures(outcome)) or str(outcome.exception or "see the dbt log above")
        raise click.ClickException(f"dbt test failed:\n  {detail}")
    record_build(settings, with_tests=True)
    click.echo(f"cloudcost check: {len(outcome.nodes())} tests passed in {time.perf_counter() - started:.1f} s")
    return outcome


@click.command()
@target_option
def check(target: str | None) -> None:
    """Run every dbt test: per-column tests, unit tests and the money checks (what CI runs on each engine).

    `cloudcost build` runs only the money checks; this runs everything on the build it made. When the raw
    data, seeds, company folder, vars or SQL changed since that build, it builds first (one `dbt build` with
    every test). Exits non-zero and names each failing test.
    """
    check_all(settings_for(target))
