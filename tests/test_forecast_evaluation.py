"""The forecast evaluation's figures on hand-made points: identical points only, coverage on varying series,
interval score. (Pure Python, no warehouse.)"""

from datetime import date, timedelta

import pytest

from cloudcost.forecasts.evaluation import (
    Evaluation,
    Point,
    bucket_figures,
    report,
    sql_data_days,
    varying_host_types,
)
from cloudcost.forecasts.statistical import DailyHistory

GEN = date(2026, 5, 4)


def _key(host: str, day: int) -> tuple[str, tuple[date, str, date]]:
    return ("w", (GEN, host, date(2026, 5, 4 + day)))


def _evaluation() -> Evaluation:
    evaluation = Evaluation()
    evaluation.points["baseline"] = {
        _key("web", 1): Point("1-7", 10.0, 9.0, 8.0, 12.0),  # inside
        _key("web", 2): Point("1-7", 14.0, 11.0, 9.0, 13.0),  # 1 above
        _key("db", 1): Point("1-7", 5.0, 5.0, 5.0, 5.0),  # flat series, zero-width, inside
        _key("db", 2): Point("1-7", 5.0, 5.0, 5.0, 5.0),
        _key("web", 3): Point("1-7", 12.0, 12.0, 11.0, 13.0),  # no naive point here: left out
    }
    evaluation.points["naive_seasonal"] = {
        key: Point(point.bucket, point.actual, point.actual + 2) for key, point in evaluation.points["baseline"].items()
    }
    del evaluation.points["naive_seasonal"][_key("web", 3)]
    evaluation.varying = {
        ("w", host)
        for host in varying_host_types({key[1]: point for key, point in evaluation.points["baseline"].items()})
    }
    return evaluation


def test_figures_use_identical_points_and_varying_series() -> None:
    evaluation = _evaluation()
    assert evaluation.varying == {("w", "web")}
    figures = bucket_figures(evaluation)["1-7"]
    assert figures.points == 4
    assert figures.wape["baseline"] == pytest.approx((1 + 3) / (10 + 14 + 5 + 5))
    assert figures.wape["naive_seasonal"] == pytest.approx(8 / 34)
    assert figures.coverage == pytest.approx(3 / 4)
    assert figures.varying_points == 2
    assert figures.varying_coverage == pytest.approx(1 / 2)
    # widths 4 and 4, one miss of 1 weighing 10: (4 + 4 + 10) / 2 points / mean actual 12
    assert figures.interval_score == pytest.approx(18 / 2 / 12)
    line = next(line for line in report(evaluation).splitlines() if line.startswith("1-7"))
    assert line.split()[1:4] == ["4", f"{4 / 34:.4f}", f"{8 / 34:.4f}"]


def test_models_see_the_last_day_of_data_the_sql_forecasters_had() -> None:
    """The replayed CUR lagged: as of 2026-05-04 the SQL forecasters' last day was 2026-05-01 (its units are
    the naive last value), not 2026-05-03. A constant host type matches every day and decides nothing."""
    web = {date(2026, 4, 28) + timedelta(days=i): float(10 + i) for i in range(6)}  # 10 on 04-28 … 15 on 05-03
    history = DailyHistory({"web": web, "db": dict.fromkeys(web, 4.0)}, date(2026, 4, 28), date(2026, 5, 3))
    last_values = {
        (GEN, "web", date(2026, 5, 5)): Point("1-7", 16.0, 13.0),  # 13: the units of 2026-05-01
        (GEN, "db", date(2026, 5, 5)): Point("1-7", 4.0, 4.0),
        (date(2026, 5, 11), "web", date(2026, 5, 12)): Point("1-7", 16.0, 99.0),  # matches no day
    }
    assert sql_data_days(last_values, history) == {GEN: date(2026, 5, 1)}
