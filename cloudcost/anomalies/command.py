"""``cloudcost anomalies``: print the open cost anomalies of the latest build; exit 1 on new ones if asked."""

from __future__ import annotations

import sys

import click

from cloudcost.settings import load_settings
from cloudcost.warehouse import connect

from .report import QUERY, as_json, as_text, open_anomalies

EXIT_NEW = 1
EXIT_NO_MART = 2


def _rows() -> list[tuple]:
    settings = load_settings()
    try:
        with connect(settings, read_only=True) as con:
            cursor = con.cursor()
            cursor.execute(QUERY)
            return cursor.fetchall()
    except Exception as exc:  # noqa: BLE001 - any engine's "no such table / database" ends the same way
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        click.echo(
            f"Error: cannot read marts.fct_cost_anomalies from the {settings.target} warehouse ({first_line}); "
            "run `cloudcost build` first (or check CLOUDCOST_TARGET / CLOUDCOST_DUCKDB_PATH / PG*).",
            err=True,
        )
        sys.exit(EXIT_NO_MART)


@click.command("anomalies")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Text for people, JSON for webhooks and scripts.",
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=7,
    show_default=True,
    help="Show open anomalies still anomalous in the latest N settled days.",
)
@click.option("--all", "show_all", is_flag=True, help="Show every open anomaly, however old.")
@click.option(
    "--fail-on-new",
    is_flag=True,
    help="Exit 1 when a shown anomaly is new: no earlier build had found it (for cron and CI alerting).",
)
def anomalies(output_format: str, days: int, show_all: bool, fail_on_new: bool) -> None:
    """Print the open cost anomalies of the latest build (status new, investigating or confirmed in the
    anomaly register), largest impact first, with their drivers. Exit codes: 0 = fine, 1 = new anomalies
    with --fail-on-new, 2 = the warehouse has no anomaly mart."""
    report = open_anomalies(_rows(), None if show_all else days)
    click.echo(as_json(report) if output_format == "json" else as_text(report))
    if fail_on_new and report.new:
        sys.exit(EXIT_NEW)
