"""`cloudcost load-forecasts`: add usage and finance forecast files to the warehouse."""

from __future__ import annotations

from pathlib import Path

import click

from cloudcost.commands.options import settings_for, target_option
from cloudcost.forecasts.loading import load_forecast_files


@click.command("load-forecasts")
@target_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--host-type-check/--no-host-type-check",
    default=True,
    show_default=True,
    help="Refuse usage forecasts for host types the built warehouse does not know (marts.dim_host_type).",
)
def load_forecasts(target: str | None, paths: tuple[Path, ...], host_type_check: bool) -> None:
    """Load forecast CSV files (or folders of them) into raw.raw_usage_forecasts / raw.raw_finance_forecasts.

    \b
    Usage forecasts: source, generated_at, host_type, [team, instance_family, region,]
      target_date, normalized_units, [lower_bound, upper_bound]
    Finance forecasts: source, generated_at, month, service_code, [instance_family,] pricing_model,
      [currency,] public_on_demand_cost, expected_discount_rate, net_cost

    Each (source, generated_at) is a vintage. Every file is checked before anything is written: unknown
    host types, duplicate keys, targets before the generation date, negative units or costs and broken
    intervals are refused with the file, line, column and value. A vintage already loaded with the same
    rows is skipped; with different rows it is refused (give a changed forecast a new generated_at).
    Run `cloudcost build` afterwards to snapshot the new vintages.
    """
    settings = settings_for(target)
    report = load_forecast_files(paths, settings, check_host_types=host_type_check)  # InputError: exit 2
    click.echo(report.summary())
