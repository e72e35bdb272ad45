"""Evaluation of the daily usage forecasters on a warehouse holding replayed (or backtested) vintages.

Every source is scored on identical points: the (generation date, host type, target date) triples that the
baseline, the naive forecasts and the statistical models all have and whose actual is known. Horizons count
from the generation date (as in ``fct_forecast_accuracy``). The statistical models are fitted here on the
warehouse's daily history cut at the last day of data the SQL forecasters had at each generation date (a
replayed CUR lags its generation date by one to seven days): the day before the generation date whose units
equal every host type's ``naive_last_value`` forecast. ``--models-on day-before`` cuts at the day before the
generation date instead (fresher data than the SQL forecasters had, as the evaluation did first).

Printed per horizon bucket: the points, the WAPE of every source, the baseline's WAPE over the other sources',
and the coverage and interval score (width + 10 × the miss, per point, over the mean actual) of the baseline's
80 % interval, over all points and over varying series only (host types whose actuals are not all equal over
the scored window: a zero-width interval around a constant series covers without telling anything).

    python -m cloudcost.forecasts.evaluation --warehouse replayed.duckdb [--warehouse other.duckdb ...]
    python -m cloudcost.forecasts.evaluation --generate DIR --rows 20000 --seed 7

The second form generates (when DIR is empty), replays the default 8 weeks into DIR/warehouse.duckdb, then
evaluates it.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from cloudcost.forecasts.statistical import DailyHistory, as_date, read_daily_history
from cloudcost.settings import Settings, load_settings
from cloudcost.warehouse import fetch_all

BUCKETS = ("1-7", "8-14", "15-28", "29-35")
SQL_SOURCES = ("baseline", "naive_seasonal", "naive_last_value")
INTERVAL_MISS_WEIGHT = 2 / 0.2  # interval score of a central 80 % interval: width + 2/α × the miss
Key = tuple[date, str, date]  # generation date, host type, target date


@dataclass
class Point:
    bucket: str
    actual: float
    forecast: float
    lower: float | None = None
    upper: float | None = None


@dataclass
class Evaluation:
    """Points of every source on the same keys (several warehouses pooled under distinct labels)."""

    points: dict[str, dict[tuple[str, Key], Point]] = field(default_factory=dict)
    varying: set[tuple[str, str]] = field(default_factory=set)  # (label, host type)

    def common_keys(self) -> set[tuple[str, Key]]:
        key_sets = [set(by_key) for by_key in self.points.values()]
        return set.intersection(*key_sets) if key_sets else set()


def read_sql_points(settings: Settings, sources: Sequence[str] = SQL_SOURCES) -> dict[str, dict[Key, Point]]:
    """The scored host-type points of the SQL forecasters (``int_forecasts__accuracy_points``)."""
    names = ", ".join(f"'{source}'" for source in sources)
    rows = fetch_all(
        settings,
        "select forecast_source, generated_at, grain_member, target_date, horizon_bucket, actual_value, "
        "forecast_value, lower_bound, upper_bound from intermediate.int_forecasts__accuracy_points "
        f"where forecast_grain = 'host_type' and measure = 'normalized_units' and forecast_source in ({names})",
    )
    points: dict[str, dict[Key, Point]] = {source: {} for source in sources}
    for source, generated_at, host_type, target, bucket, actual, forecast, lower, upper in rows:
        points[str(source)][(as_date(generated_at), str(host_type), as_date(target))] = Point(
            str(bucket),
            float(actual),
            float(forecast),
            None if lower is None else float(lower),
            None if upper is None else float(upper),
        )
    return points


def sql_data_days(last_values: dict[Key, Point], history: DailyHistory, search_days: int = 31) -> dict[date, date]:
    """Per generation date, the last day of data the SQL forecasters had: the latest day before it on which
    every host type's units (in the final history) equal its ``naive_last_value`` forecast, the units of that
    day. A generation date without such a day is left out (the caller cuts at the day before it)."""
    by_generation: dict[date, dict[str, float]] = {}
    for (generation, host_type, _), point in last_values.items():
        by_generation.setdefault(generation, {})[host_type] = point.forecast
    days = {}
    for generation, values in by_generation.items():
        for back in range(1, search_days + 1):
            day = generation - timedelta(days=back)
            if all(_same(history.series.get(host, {}).get(day, 0.0), value) for host, value in values.items()):
                days[generation] = day
                break
    return days


def _same(left: float, right: float) -> bool:
    return abs(left - right) <= 1e-6 * max(1.0, abs(right))


def model_points(
    history: DailyHistory,
    model: str,
    keys: Iterable[Key],
    actuals: dict[Key, Point],
    data_days: dict[date, date] | None = None,
) -> dict[Key, Point]:
    """The model fitted at every generation date of ``keys``, on those keys: on the data up to that date's
    entry of ``data_days``, or up to the day before it."""
    from cloudcost.forecasts.statistical import model_rows

    wanted = set(keys)
    points: dict[Key, Point] = {}
    for generation in sorted({key[0] for key in wanted}):
        data_day = (data_days or {}).get(generation, generation - timedelta(days=1))
        for row in model_rows(history, model, generation, lag_days=(generation - data_day).days - 1):
            key = (generation, row[2], date.fromisoformat(row[3]))
            if key in wanted:
                base = actuals[key]
                points[key] = Point(base.bucket, base.actual, float(row[4]), float(row[5]), float(row[6]))
    return points


def varying_host_types(points: dict[Key, Point]) -> set[str]:
    """Host types whose actuals are not all equal over the scored window (rounded to 1e-9)."""
    seen: dict[str, set[float]] = {}
    for (_, host_type, _), point in points.items():
        seen.setdefault(host_type, set()).add(round(point.actual, 9))
    return {host_type for host_type, values in seen.items() if len(values) > 1}


def evaluate_warehouse(
    evaluation: Evaluation, settings: Settings, label: str, models: Sequence[str], same_data: bool = True
) -> None:
    """Add one warehouse's points (baseline, naive, and each model fitted on its history) under ``label``;
    the models see the data the SQL forecasters saw (``same_data``) or the data up to the day before."""
    sql_points = read_sql_points(settings)
    baseline = sql_points["baseline"]
    history = read_daily_history(settings)
    data_days = sql_data_days(sql_points["naive_last_value"], history) if same_data else {}
    if same_data:
        lags = sorted({(generation - day).days for generation, day in data_days.items()})
        missing = len({key[0] for key in baseline} - set(data_days))
        print(f"{label}: models fitted {lags} day(s) before the generation dates ({missing} date(s) without a match)")
    by_source: dict[str, dict[Key, Point]] = dict(sql_points)
    for model in models:
        by_source[model] = model_points(history, model, baseline, baseline, data_days)
    for source, points in by_source.items():
        evaluation.points.setdefault(source, {}).update({(label, key): point for key, point in points.items()})
    evaluation.varying |= {(label, host_type) for host_type in varying_host_types(baseline)}


@dataclass
class BucketFigures:
    points: int
    wape: dict[str, float | None]
    coverage: float | None
    varying_points: int
    varying_coverage: float | None
    interval_score: float | None  # per point, over the mean actual, varying series


def _wape(pairs: list[Point]) -> float | None:
    total = sum(point.actual for point in pairs)
    return sum(abs(point.actual - point.forecast) for point in pairs) / total if total else None


def _coverage(pairs: list[Point]) -> float | None:
    bounded = [point for point in pairs if point.lower is not None and point.upper is not None]
    if not bounded:
        return None
    inside = sum(1 for point in bounded if point.lower - 1e-9 <= point.actual <= point.upper + 1e-9)  # type: ignore[operator]
    return inside / len(bounded)


def _interval_score(pairs: list[Point]) -> float | None:
    bounded = [point for point in pairs if point.lower is not None and point.upper is not None]
    mean_actual = sum(point.actual for point in bounded) / len(bounded) if bounded else 0.0
    if not mean_actual:
        return None
    total = 0.0
    for point in bounded:
        lower, upper = point.lower or 0.0, point.upper or 0.0
        miss = max(lower - point.actual, 0.0) + max(point.actual - upper, 0.0)
        total += upper - lower + INTERVAL_MISS_WEIGHT * miss
    return total / len(bounded) / mean_actual


def bucket_figures(evaluation: Evaluation, interval_source: str = "baseline") -> dict[str, BucketFigures]:
    keys = evaluation.common_keys()
    figures = {}
    for bucket in BUCKETS:
        bucket_keys = [key for key in keys if evaluation.points[interval_source][key].bucket == bucket]
        wape = {source: _wape([points[key] for key in bucket_keys]) for source, points in evaluation.points.items()}
        own = [evaluation.points[interval_source][key] for key in bucket_keys]
        varying = [
            evaluation.points[interval_source][key] for key in bucket_keys if (key[0], key[1][1]) in evaluation.varying
        ]
        figures[bucket] = BucketFigures(
            len(bucket_keys), wape, _coverage(own), len(varying), _coverage(varying), _interval_score(varying)
        )
    return figures


def report(evaluation: Evaluation, interval_source: str = "baseline") -> str:
    figures = bucket_figures(evaluation, interval_source)
    sources = list(evaluation.points)
    others = [source for source in sources if source != interval_source]
    header = (
        f"{'bucket':7}{'points':>8}"
        + "".join(f"{source[:16]:>17}" for source in sources)
        + "".join(f"{'÷' + source[:15]:>17}" for source in others)
        + f"{'coverage':>10}{'varying':>9}{'cov. var.':>10}{'int.score':>10}"
    )
    lines = [header]
    for bucket, fig in figures.items():
        cells = "".join(f"{_fmt(fig.wape[source], 4):>17}" for source in sources)
        ratios = "".join(f"{_ratio(fig.wape[interval_source], fig.wape[source]):>17}" for source in others)
        lines.append(
            f"{bucket:7}{fig.points:>8}{cells}{ratios}{_fmt(fig.coverage, 3):>10}{fig.varying_points:>9}"
            f"{_fmt(fig.varying_coverage, 3):>10}{_fmt(fig.interval_score, 3):>10}"
        )
    return "\n".join(lines)


def _fmt(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ratio(numerator: float | None, denominator: float | None) -> str:
    return "-" if numerator is None or not denominator else f"{numerator / denominator:.3f}"


def generate_and_replay(folder: Path, rows: int, seed: int) -> Settings:
    """Generate into ``folder/data`` (unless it holds a generation) and replay 8 weeks into its warehouse."""
    from cloudcost.forecasts.history import replay_history
    from cloudcost.generator.engine import Options, generate

    data = folder / "data"
    if not (data / "generation.json").exists():
        generate(Options(out=data, rows=rows, seed=seed))
    os.environ["CLOUDCOST_DUCKDB_PATH"] = str(folder / "warehouse.duckdb")
    settings = load_settings("duckdb")
    replay_history(data, settings, reset=True)
    return settings


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--warehouse", action="append", default=[], help="A replayed DuckDB warehouse (repeatable).")
    parser.add_argument("--generate", type=Path, help="Folder to generate and replay into first.")
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model", action="append", default=None, help="Statistical models (default: autoarima).")
    parser.add_argument(
        "--models-on",
        choices=("sql-data", "day-before"),
        default="sql-data",
        help="Fit the models on the data the SQL forecasters had (default) or on the data up to the day before.",
    )
    args = parser.parse_args(argv)
    models = args.model if args.model is not None else ["autoarima"]
    evaluation = Evaluation()
    settings_list = []
    if args.generate:
        settings_list.append((str(args.generate), generate_and_replay(args.generate, args.rows, args.seed)))
    for path in args.warehouse:
        os.environ["CLOUDCOST_DUCKDB_PATH"] = path
        settings_list.append((path, load_settings("duckdb")))
    for label, settings in settings_list:
        evaluate_warehouse(evaluation, settings, label, models, same_data=args.models_on == "sql-data")
    print(report(evaluation))


if __name__ == "__main__":
    main()
