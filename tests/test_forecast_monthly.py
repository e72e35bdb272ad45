"""The monthly backtest scores forecasts made elsewhere (the SQL models of fct_forecast_monthly, rebuilt as of
each origin) on the points it scores its own baselines on. The SQL models themselves are covered by their dbt
unit tests (models/intermediate/forecasts/_forecasts__monthly.yml)."""

from __future__ import annotations

from datetime import date

import pytest

from cloudcost.forecasts.monthly import MonthlyHistory, add_months, backtest_monthly, days_in, origins

MEMBER = "111 / USD / AmazonEC2 / 222"


def _steady(months: int) -> MonthlyHistory:
    calendar_months = [add_months(date(2024, 1, 1), i) for i in range(months)]
    return MonthlyHistory({MEMBER: {m: 10.0 * days_in(m) for m in calendar_months}}, calendar_months)


def test_computed_sources_are_scored_on_the_same_points_and_gaps_are_counted() -> None:
    history = _steady(16)  # origins 2025-01 … 2025-04, with 4, 3, 2 and 1 whole months to score
    computed: dict[tuple[date, str, str], dict[int, float]] = {}
    for origin in origins(history):
        for horizon in range(1, 13):
            # one dollar too much every month; a forecast for a month past the data is never scored
            computed.setdefault((origin, "baseline", MEMBER), {})[horizon] = (
                10.0 * days_in(add_months(origin, horizon - 1)) + 1
            )
    del computed[(date(2025, 2, 1), "baseline", MEMBER)][3]
    score = backtest_monthly(history, ["last_value"], computed=computed, computed_sources=["baseline"])
    assert score.points[("last_value", "m1")] == score.points[("baseline", "m1")] == 4
    assert score.points[("last_value", "m2-3")] == 5
    assert score.points[("baseline", "m2-3")] == 4  # 2025-02's horizon 3 is missing
    assert score.missing == {"baseline": 1}
    assert score.wape("last_value", "m4-6") == pytest.approx(0.0, abs=1e-12)
    assert score.wape("baseline", "m1") == pytest.approx(4 / score.actual[("baseline", "m1")])
