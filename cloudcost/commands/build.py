"""`cloudcost build`: one `dbt build` (seeds, models, snapshots in DAG order) with the money checks, then publish.

Which tests run where is the rule of ``cloudcost.test_split`` (docs/tests.md). A build whose inputs have not
changed since the last complete build does not run dbt at all (``cloudcost.build_state``). Readers see a build
only when its money and close checks passed (``cloudcost.build_status``): on DuckDB the dashboard's copy is
replaced, on Postgres the private build schema is swapped in as ``marts`` (``cloudcost.pg_publish``); otherwise
the last good publication stays and the failed build is recorded.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import click

from cloudcost.build_state import record_build, up_to_date
from cloudcost.commands.options import settings_for, target_option
from cloudcost.dbt_runner import DbtOutcome, run_dbt
from cloudcost.finance.close_check import describe_close_failures
from cloudcost.settings import Settings
from cloudcost.test_split import CHECK_ONLY_SELECTOR, PRODUCTION_SELECTOR


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


def check_only_nodes(settings: Settings) -> list[str]:
    """The selectors of every test a production build leaves to `cloudcost check` (for `--select` builds)."""
    listed = run_dbt(["ls", "--selector", CHECK_ONLY_SELECTOR, "--output", "selector"], settings, quiet=True)
    if not listed.success:
        raise click.ClickException(f"dbt ls failed: {listed.exception or 'see the dbt log'}")
    # unit tests by their type (a versioned model's unit test is listed under a name selection does not match)
    return ["test_type:unit", *(str(name) for name in listed.result or [] if not str(name).startswith("unit_test:"))]


def build_args(settings: Settings, full_refresh: bool, select: str | None, with_tests: bool) -> list[str]:
    """The one `dbt build` command line of a build."""
    args = ["build", *(["--full-refresh"] if full_refresh else [])]
    if select:
        args += ["--select", *select.split()]
        if not with_tests:
            excluded = check_only_nodes(settings)
            args += ["--exclude", *excluded] if excluded else []
    elif not with_tests:
        args += ["--selector", PRODUCTION_SELECTOR]
    return args


def skipped_outcome(settings: Settings, with_tests: bool, force: bool) -> DbtOutcome | None:
    """A successful, empty outcome when nothing changed since the last complete build; else None."""
    if force:
        return None
    unchanged, _, record = up_to_date(settings, with_tests)
    if not unchanged or record is None:
        return None
    click.echo(
        f"cloudcost build: nothing changed since the build of {record.built_at:%Y-%m-%d %H:%M:%S} UTC "
        "(raw data, seeds, company folder, vars and SQL are the same); nothing to do (--force rebuilds)"
    )
    return DbtOutcome(success=True, results=[], exception=None)


def build_all(
    settings: Settings,
    full_refresh: bool = False,
    select: str | None = None,
    with_tests: bool = False,
    force: bool = False,
) -> DbtOutcome:
    """Build (and test) in one dbt invocation, then publish if the money checks passed; raises ClickException on
    failure.

    The production build runs the money checks; ``with_tests`` runs every test and unit test too. With no
    selection and no full refresh, a build whose inputs did not change since the last one runs nothing."""
    from cloudcost.build_status import failed_build
    from cloudcost.company import read_company_folder
    from cloudcost.publish import publish_if_passed
    from cloudcost.publish import record_build as record_publication

    read_company_folder(settings.company_dir)  # a bad company file stops here, before dbt runs
    company = settings.company_dir or "none (the neutral starter; --company DIR or CLOUDCOST_COMPANY_DIR)"
    click.echo(f"cloudcost build: company folder {company}")
    if settings.target == "postgres":  # the reader roles first: a bad reader_roles.csv stops before any work
        from cloudcost.pg_roles import ensure_reader_role

        ensure_reader_role(settings)
    if not (full_refresh or select):
        skipped = skipped_outcome(settings, with_tests, force)
        if skipped is not None:
            return skipped
    what = "every test" if with_tests else "the money checks"
    click.echo(f"cloudcost build: dbt build with {what} on {settings.target}")
    started = time.perf_counter()
    with private_build_schema(settings):
        outcome = run_dbt(build_args(settings, full_refresh, select, with_tests), settings)
    # readers see this build only when its money and close checks passed
    if not outcome.results and not outcome.success:  # dbt did not get to run the nodes
        status, published = failed_build(f"dbt build: {outcome.exception or 'no results'}"), None
        record_publication(settings, status)
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
    if not select:
        record_build(settings, with_tests)
    click.echo(f"cloudcost build: dbt build took {time.perf_counter() - started:.1f} s")
    return outcome


@click.command()
@target_option
@click.option("--full-refresh", is_flag=True, help="Rebuild incremental models and seeds from scratch.")
@click.option("--select", default=None, help="dbt node selection (default: everything).")
@click.option(
    "--with-tests",
    is_flag=True,
    help="Run every data test and unit test too (what `cloudcost check` and CI run), not only the money checks.",
)
@click.option("--force", is_flag=True, help="Build even when nothing changed since the last build.")
def build(target: str | None, full_refresh: bool, select: str | None, with_tests: bool, force: bool) -> None:
    """Build the warehouse with one `dbt build`: seeds, models and snapshots in DAG order, and the money checks.

    The money checks are the tests that guard money and the close: conservation, the cash bridge,
    reconciliation and the period close, unknown line item types, the keys of the line-grain tables.
    Per-column tests and unit tests run in `cloudcost check` (or here with --with-tests). When the raw data,
    seeds, company folder, vars and SQL are all as they were at the last complete build, nothing is rebuilt.
    Exits non-zero and names each failing node.
    """
    settings = settings_for(target)
    outcome = build_all(settings, full_refresh=full_refresh, select=select, with_tests=with_tests, force=force)
    if outcome.results:
        click.echo(f"cloudcost build: {len(outcome.nodes())} nodes built and tested on {settings.target}")
