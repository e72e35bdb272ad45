"""Options shared by several commands."""

from __future__ import annotations

import click

from cloudcost.settings import TARGETS, Settings, load_settings

target_option = click.option(
    "--target",
    type=click.Choice(TARGETS),
    default=None,
    help="Warehouse to use; defaults to $CLOUDCOST_TARGET or duckdb.",
)


def settings_for(target: str | None) -> Settings:
    try:
        return load_settings(target)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
