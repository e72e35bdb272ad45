"""``cloudcost load PATH...``: the command-line face of :func:`cloudcost.loader.load_paths`."""

from __future__ import annotations

from pathlib import Path

import click

from cloudcost.loader.api import load_paths
from cloudcost.settings import TARGETS, load_settings


@click.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--target",
    type=click.Choice(TARGETS),
    default=None,
    help="Warehouse to load into (default: CLOUDCOST_TARGET, else duckdb).",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
def load(paths: tuple[Path, ...], target: str | None, quiet: bool) -> None:
    """Load AWS CUR files or folders into the raw tables.

    Reads legacy CUR (CSV, CSV.gz with lineItem/UnblendedCost headers, or Athena Parquet) and CUR 2.0
    (Data Exports CSV or Parquet). Each billing period of each payer is replaced atomically; loading the
    same delivery again changes nothing; every delivery is recorded in raw_cur_deliveries. Manifests found
    beside the files group them into deliveries. DuckDB path: CLOUDCOST_DUCKDB_PATH; Postgres: PG* variables.
    """
    settings = load_settings(target)
    report = load_paths(list(paths), settings, progress=not quiet)
    click.echo(report.summary_table())
