"""`cloudcost forecast`: statistical daily forecasts per host type, loaded as submitted usage sources."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from cloudcost.commands.options import settings_for, target_option
from cloudcost.forecasts.loading import load_forecast_files
from cloudcost.forecasts.models import MODEL_NAMES, check_model_names
from cloudcost.forecasts.replay import parse_day
from cloudcost.forecasts.statistical import default_as_of, model_rows, read_daily_history, write_usage_file


@click.command("forecast")
@target_option
@click.option(
    "--model",
    "model_names",
    multiple=True,
    default=("autoarima",),
    show_default=True,
    help=f"Model (repeatable): {', '.join(MODEL_NAMES)}. Each becomes a forecast source of that name.",
)
@click.option("--as-of", "as_of", default=None, help="Generation date, YYYY-MM-DD (default: the day after the data).")
@click.option(
    "--training-days",
    default=112,
    show_default=True,
    type=click.IntRange(14, 3660),
    help="Days of history each host type's model is fitted on (fewer when the host type is younger).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the forecast file here instead of loading it (load it later with `cloudcost load-forecasts`).",
)
def forecast(
    target: str | None, model_names: tuple[str, ...], as_of: str | None, training_days: int, out: Path | None
) -> None:
    """Forecast daily normalized units per host type, 35 days ahead, with statsforecast models.

    \b
    Needs the optional models group: pip install 'cloudcost[models]'.
    Reads the built warehouse's daily host-type usage before the generation date, fits each model per host
    type (weekly seasonality, 80 % interval) and loads the result as a usage forecast whose source is the
    model's name, through the same checks as `cloudcost load-forecasts`. Run `cloudcost build` afterwards to
    snapshot the vintage; it is then scored in fct_forecast_accuracy like every other source.
    """
    settings = settings_for(target)
    models = check_model_names(model_names)
    history = read_daily_history(settings)
    day = parse_day(as_of) or default_as_of(history)
    rows = [row for model in models for row in model_rows(history, model, day, training_days=training_days)]
    if not rows:
        raise click.ClickException(f"no host type has usage in the week before {day}: nothing to forecast")
    if out is not None:
        write_usage_file(out, rows)
        click.echo(f"wrote {len(rows)} forecast rows ({', '.join(models)}, as of {day}) to {out}")
        return
    with tempfile.TemporaryDirectory(prefix="cloudcost-forecast-") as folder:
        path = write_usage_file(Path(folder) / f"forecast-{'-'.join(models)}-{day}.csv", rows)
        report = load_forecast_files([path], settings)  # the load-forecasts checks; InputError: exit 2
    click.echo(report.summary())
