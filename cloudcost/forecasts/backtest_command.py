"""`cloudcost backtest`: a track record on the warehouse's own history, from the day cloudcost is installed."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from cloudcost.commands.options import settings_for, target_option
from cloudcost.forecasts.backtest import plan_days, run_backtest
from cloudcost.forecasts.models import MODEL_NAMES, check_model_names
from cloudcost.forecasts.replay import parse_day, parse_every
from cloudcost.forecasts.statistical import read_daily_history


@click.command("backtest")
@target_option
@click.option("--from", "start", default=None, help="First as-of date, YYYY-MM-DD (default: 8 weeks into the data).")
@click.option("--to", "end", default=None, help="Last as-of date (default: a week before the data ends).")
@click.option("--every", default="week", show_default=True, help="Step between as-of dates: day, week or N days.")
@click.option(
    "--lag-days",
    default=0,
    show_default=True,
    type=click.IntRange(0, 30),
    help="Simulated delivery lag: each forecast sees only the data up to this many days before its as-of date.",
)
@click.option(
    "--model",
    "model_names",
    multiple=True,
    help=f"Also backtest a statistical model (repeatable; needs cloudcost[models]): {', '.join(MODEL_NAMES)}.",
)
@click.option("--training-days", default=112, show_default=True, type=click.IntRange(14, 3660))
def backtest(
    target: str | None,
    start: str | None,
    end: str | None,
    every: str,
    lag_days: int,
    model_names: tuple[str, ...],
    training_days: int,
) -> None:
    """Forecast as of past dates from the built warehouse and score the forecasts like live vintages.

    For each as-of date the history is cut at that date (less --lag-days): the baseline and the naive
    forecasts are computed as of it, and each --model is fitted on it. The rows are stored as the sources
    `backtest:<forecaster>` (marked is_backtest in fct_forecast_vintages) and fct_forecast_accuracy is
    rebuilt. The history is the CUR as finally delivered. Daily backtests need four weeks of training
    history before the first as-of date (eight recommended) and a week of actuals after it.
    """
    settings = settings_for(target)
    models = check_model_names(model_names)
    history = read_daily_history(settings)
    plan = plan_days(history, parse_day(start), parse_day(end), parse_every(every), lag_days)
    for note in plan.notes:
        click.echo(note)
    click.echo(
        f"backtest: {len(plan.days)} as-of date(s) from {plan.days[0]} to {plan.days[-1]}"
        + (f", delivery lag {lag_days} days" if lag_days else "")
    )
    with tempfile.TemporaryDirectory(prefix="cloudcost-backtest-") as folder:
        rows = run_backtest(settings, history, plan, models, Path(folder), training_days, echo=click.echo)
    click.echo(f"backtest: {rows} forecast rows written; fct_forecast_accuracy rebuilt")
