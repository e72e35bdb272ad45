"""`cloudcost build`: dbt seed, then dbt build (models, snapshots and tests in DAG order), then publish.

Readers see the build only when its money and close checks passed (``cloudcost.build_status``): on DuckDB the
dashboard's copy is replaced, on Postgres the private build schema is swapped in as ``marts``
(``cloudcost.pg_publish``). Otherwise the last good publication stays and the failed build is recorded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def private_build_schema(settings: Settings) -> Iterator[None]:
    """On Postgres dbt writes the marts into ``marts__build``, which no reader sees, until they are published."""
    from cloudcost.pg_publish import BUILD_SCHEMA_ENV, BUILD_SUFFIX

    if settings.target != "postgres":
        yield
        return
    before = os.environ.get(BUILD_SCHEMA_ENV)
    os.environ[BUILD_SCHEMA_ENV] = BUILD_SUFFIX
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(BUILD_SCHEMA_ENV, None)
        else:
            os.environ[BUILD_SCHEMA_ENV] = before


def build_all(settings: Settings, full_refresh: bool = False, select: str | None = None) -> DbtOutcome:
    """Seed the mapping tables, then build and test everything; raises ClickException on failure."""
    from cloudcost.build_status import failed_build
    from cloudcost.company import read_company_folder
    from cloudcost.publish import publish_if_passed, record_build

    read_company_folder(settings.company_dir)  # a bad company file stops here, before dbt runs
    company = settings.company_dir or "none (the neutral starter; --company DIR or CLOUDCOST_COMPANY_DIR)"
    click.echo(f"cloudcost build: company folder {company}")
    if settings.target == "postgres":  # the reader roles first: a bad reader_roles.csv stops before any work
        from cloudcost.pg_roles import ensure_reader_role

        ensure_reader_role(settings)
    click.echo(f"cloudcost build: dbt seed on {settings.target}")
    seed_args = ["seed"] + (["--full-refresh"] if full_refresh else [])
    seeded = run_dbt(seed_args, settings)
    if not seeded.success:
        reasons = describe_failures(seeded) or ["see log"]
        record_build(settings, failed_build("dbt seed: " + "; ".join(reasons)))
        raise click.ClickException("dbt seed failed: " + "; ".join(reasons))
    click.echo(f"cloudcost build: dbt build on {settings.target}")
    build_args = ["build"]
    if full_refresh:
        build_args.append("--full-refresh")
    if select:
        build_args += ["--select", select]
    with private_build_schema(settings):
        outcome = run_dbt(build_args, settings)
    # readers see this build only when its money and close checks passed
    if not outcome.results and not outcome.success:  # dbt did not get to run the nodes
        status, published = failed_build(f"dbt build: {outcome.exception or 'no results'}"), None
        record_build(settings, status)
    else:
        status, published = publish_if_passed(settings, outcome.results)
    if published:
        click.echo(f"cloudcost build: {published.summary()}")
    else:
        click.echo(
            f"cloudcost build: NOT published — failing checks: {status.describe()}; "
            "readers keep the last build that passed",
            err=True,
        )
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

    Snapshots run inside `dbt build` in DAG order. Exits non-zero and names each failing node. Readers (the
    dashboard's copy on DuckDB, schema marts on Postgres) see the build only when its money checks (dbt tests
    tagged `money`) passed; otherwise the last good build stays published and the dashboard says why.
    """
    settings = settings_for(target)
    outcome = build_all(settings, full_refresh=full_refresh, select=select)
    click.echo(f"cloudcost build: {len(outcome.results)} nodes built and tested on {settings.target}")
