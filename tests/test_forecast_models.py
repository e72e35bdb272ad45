"""Statistical forecasts (`cloudcost forecast`) and backtests (`cloudcost backtest`).

The model tests fit real statsforecast models on hand-made series; the warehouse tests run on a small
generation whose history is loaded as final deliveries only (no earlier delivery to replay): the backtest
fills fct_forecast_accuracy with `backtest:` sources, and `cloudcost forecast` loads a model's vintage through
the load-forecasts checks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import duckdb
import numpy as np
import pytest
from click.testing import CliRunner

from cloudcost.cli import main
from cloudcost.dbt_runner import run_dbt
from cloudcost.forecasts.backtest import plan_days
from cloudcost.forecasts.models import check_model_names, forecast_series
from cloudcost.forecasts.monthly import MonthlyHistory, add_months, backtest_monthly, bucket, days_in
from cloudcost.forecasts.statistical import DailyHistory
from cloudcost.generator import Options, generate, latest_deliveries
from cloudcost.input_errors import InputError
from cloudcost.loader.api import load_paths
from cloudcost.settings import Settings, load_settings

pytest.importorskip("statsforecast", reason="the optional models group (pip install 'cloudcost[models]')")


def test_a_level_shift_is_followed_within_days() -> None:
    """Eight weeks at 100 with a weekly pattern, then a step to 60 ten days before the end: the forecast sits
    near the new level, not the old one."""
    pattern = np.array([100, 104, 102, 98, 96, 80, 78], dtype=float)
    values = np.tile(pattern, 10)[:70]
    values[-10:] *= 0.6
    fitted = forecast_series(values, "autoarima", 14, season_length=7)
    assert abs(fitted.mean.mean() - 0.6 * pattern.mean()) < 0.1 * pattern.mean()
    assert np.all(fitted.lower <= fitted.mean) and np.all(fitted.mean <= fitted.upper)


def test_a_constant_series_stays_constant_and_nothing_goes_below_zero() -> None:
    flat = forecast_series(np.full(60, 12.5), "autoets", 7, season_length=7)
    assert flat.mean.tolist() == [12.5] * 7 and flat.lower.tolist() == flat.upper.tolist() == [12.5] * 7
    falling = forecast_series(np.linspace(50, 1, 60), "autoarima", 30, season_length=7)
    assert falling.mean.min() >= 0 and falling.lower.min() >= 0


def test_unknown_models_are_refused_by_name() -> None:
    assert check_model_names(["AutoARIMA", "autoets", "autoarima"]) == ["autoarima", "autoets"]
    with pytest.raises(InputError, match="unknown model 'prophet'"):
        check_model_names(["prophet"])


def _history(days: int) -> DailyHistory:
    first = date(2026, 1, 1)
    series = {"web": {first + timedelta(days=i): 10.0 for i in range(days)}}
    return DailyHistory(series, first, first + timedelta(days=days - 1))


def test_a_short_history_says_what_a_backtest_needs() -> None:
    with pytest.raises(InputError, match="needs at least 35 days .* holds 30 "):
        plan_days(_history(30), None, None, 7, 0)
    with pytest.raises(InputError, match="needs at least 37 days"):
        plan_days(_history(36), None, None, 7, 2)
    with pytest.raises(InputError, match="--from 2026-01-10 leaves less than 28 days") as refused:
        plan_days(_history(60), date(2026, 1, 10), None, 7, 0)
    assert "Use --from 2026-01-29 or later" in str(refused.value.fix)
    six_weeks = plan_days(_history(42), None, None, 7, 0)
    assert six_weeks.days == [date(2026, 1, 29), date(2026, 2, 5)]
    assert "less than 8 weeks" in six_weeks.notes[0]
    assert plan_days(_history(100), None, None, 7, 0).days[0] == date(2026, 2, 26)  # eight weeks in


@pytest.fixture(scope="module")
def final_only(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """About seven weeks of generated history (May 1 to June's last month-to-date delivery), final deliveries
    only, built."""
    root = tmp_path_factory.mktemp("backtest")
    data = root / "data"
    generate(Options(out=data, flavour="cur2_parquet", rows=3_000, months=2, start=date(2026, 5, 1), seed=5))
    settings = replace(
        load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb", company_dir=(data / "company").resolve()
    )
    load_paths(latest_deliveries(data), settings, progress=False)
    built = ["build", "--select", "+fct_forecast_accuracy", "+dim_host_type", "--exclude", "resource_type:test"]
    for args in (["seed"], built):
        outcome = run_dbt([*args, "--no-write-json"], settings, target_path=root / "target", quiet=True)
        assert outcome.success, outcome.failures()
    return settings


def _cli(settings: Settings, *args: str) -> str:
    env = {"CLOUDCOST_DUCKDB_PATH": str(settings.duckdb_path), "CLOUDCOST_COMPANY_DIR": str(settings.company_dir)}
    result = CliRunner().invoke(main, list(args), env=env, standalone_mode=False, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.duckdb_path)) as con:  # as the in-process dbt run opened it
        return con.execute(sql).fetchall()


def test_backtest_fills_the_accuracy_mart_from_final_deliveries(final_only: Settings) -> None:
    assert _query(final_only, "select count(*) from raw.raw_cur_deliveries where superseded_at is not null") == [(0,)]
    output = _cli(final_only, "backtest", "--every", "14d", "--model", "autoarima")
    assert "as-of date(s) from 2026-05-29" in output  # four weeks in: the history holds less than eight
    sources = dict(
        _query(
            final_only,
            "select forecast_source, sum(n_points) from marts.fct_forecast_accuracy "
            "where forecast_source like 'backtest:%' and grain_member = '(all)' group by 1",
        )
    )
    assert set(sources) == {
        "backtest:baseline",
        "backtest:naive_last_value",
        "backtest:naive_seasonal",
        "backtest:autoarima",
    }
    assert sources["backtest:autoarima"] == sources["backtest:naive_seasonal"] > 0  # the same points
    flags = _query(final_only, "select is_backtest, count(*) from marts.fct_forecast_vintages group by 1")
    assert dict(flags)[True] > 0


def test_forecast_loads_a_model_vintage_through_the_load_checks(final_only: Settings) -> None:
    output = _cli(final_only, "forecast", "--model", "autoets")
    assert "loaded: usage forecast 'autoets'" in output
    rows = _query(
        final_only,
        "select count(distinct host_type), min(target_date - cast(generated_at as date)), "
        "max(target_date - cast(generated_at as date)), bool_and(lower_bound <= normalized_units) "
        "from raw.raw_usage_forecasts where forecast_source = 'autoets'",
    )
    assert rows[0][0] > 0 and rows[0][1:] == (1, 35, True)
    again = _cli(final_only, "forecast", "--model", "autoets")
    assert "already loaded" in again


def _monthly(months: int, rate: float = 10.0) -> MonthlyHistory:
    calendar_months = [add_months(date(2024, 1, 1), i) for i in range(months)]
    return MonthlyHistory({"svc / acct": {m: rate * days_in(m) for m in calendar_months}}, calendar_months)


def test_monthly_forecasts_keep_the_days_of_each_month() -> None:
    """A steady $10 a day: February's $290 (2024) and $280 (2025) are not dips, every forecast is exact."""
    score = backtest_monthly(_monthly(26), ["last_value", "seasonal_naive", "autoets"])
    for source in ("last_value", "seasonal_naive", "autoets"):
        for name in ("m1", "m2-3", "m4-6", "m7-12"):
            assert score.wape(source, name) == pytest.approx(0.0, abs=1e-9), (source, name)
    assert score.points[("last_value", "m1")] == 14  # origins 2025-01 … 2026-02
    assert [bucket(h) for h in (1, 2, 3, 4, 6, 7, 12)] == ["m1", "m2-3", "m2-3", "m4-6", "m4-6", "m7-12", "m7-12"]


def test_a_monthly_backtest_needs_a_year_and_a_month() -> None:
    with pytest.raises(InputError, match="needs at least 13 whole months .* holds 12"):
        backtest_monthly(_monthly(12), ["last_value"])
