"""`cloudcost backtest`: a track record on the warehouse's own history, from the day cloudcost is installed."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from cloudcost.commands.options import settings_for, target_option
from cloudcost.forecasts.backtest import plan_days, run_backtest
from cloudcost.forecasts.models import MODEL_NAMES, check_model_names
from cloudcost.forecasts.monthly import BASELINES, backtest_monthly, origins, read_monthly_history
from cloudcost.forecasts.monthly_sql import SQL_SOURCES, sql_forecasts
from cloudcost.forecasts.replay import parse_day, parse_every
from cloudcost.forecasts.statistical import read_daily_history
from cloudcost.settings import Settings


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
@click.option(
    "--grain",
    type=click.Choice(["daily", "monthly"]),
    default="daily",
    show_default=True,
    help="monthly: 1-12 months ahead per whole month (cost by service x account at public on-demand, or "
    "usage by family): the SQL monthly forecasts rebuilt as of each month start, the naive baselines and "
    "each --model, printed as WAPE per bucket m1, m2-3, m4-6, m7-12 (not stored).",
)
@click.option("--measure", type=click.Choice(["cost", "usage"]), default="cost", show_default=True)
def backtest(
    target: str | None,
    start: str | None,
    end: str | None,
    every: str,
    lag_days: int,
    model_names: tuple[str, ...],
    training_days: int,
    grain: str,
    measure: str,
) -> None:
    """Forecast as of past dates from the built warehouse and score the forecasts like live vintages.

    For each as-of date the history is cut at that date (less --lag-days): the baseline and the naive
    forecasts are computed as of it, and each --model is fitted on it. The rows are stored as the sources
    `backtest:<forecaster>` (marked is_backtest in fct_forecast_vintages) and fct_forecast_accuracy is
    rebuilt. Daily backtests read the CUR as finally delivered. Daily backtests need four weeks of training
    history before the first as-of date (eight recommended) and a week of actuals after it.

    --grain monthly forecasts 1-12 months ahead from every month start with 12 whole months before it
    (--every N: every N months): the SQL monthly forecasts (fct_forecast_monthly) are rebuilt as of each
    one from the cost as first delivered where earlier deliveries are recorded, and the WAPE per bucket is
    printed beside seasonal-naive and last-value.
    """
    settings = settings_for(target)
    models = check_model_names(model_names)
    if grain == "monthly":
        click.echo(monthly_report(settings, measure, models, parse_every(every) if every != "week" else 1))
        return
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


def monthly_report(settings: Settings, measure: str, models: list[str], every: int) -> str:
    """The monthly backtest's WAPE table, one line per source."""
    history = read_monthly_history(settings, measure)
    sources = [*BASELINES, *models]
    computed = sql_forecasts(settings, measure, origins(history, every))
    score = backtest_monthly(history, sources, every, computed, SQL_SOURCES)
    buckets = ("m1", "m2-3", "m4-6", "m7-12")
    lines = [
        f"monthly backtest of {measure} ({len(history.series)} series, {len(history.months)} whole months "
        f"{history.months[0]:%Y-%m} to {history.months[-1]:%Y-%m}): WAPE per bucket (points); "
        f"{', '.join(SQL_SOURCES)} are the SQL models (fct_forecast_monthly), the others computed here",
        f"{'source':18}" + "".join(f"{name:>16}" for name in buckets),
    ]
    for source in [*SQL_SOURCES, *sources]:
        cells = []
        for name in buckets:
            wape = score.wape(source, name)
            cells.append(f"{'-' if wape is None else f'{wape:.4f}'} ({score.points.get((source, name), 0)})")
        lines.append(f"{source:18}" + "".join(f"{cell:>16}" for cell in cells))
    lines += [f"note: {source} has no forecast at {count} scored point(s)" for source, count in score.missing.items()]
    return "\n".join(lines)
