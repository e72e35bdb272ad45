"""Statistical forecasters (statsforecast, an optional dependency): one daily series in, a forecast out.

Each model is fitted per series on its own (no pandas frames, no parallel backend): the series are short (weeks
to a few years of days) and few (one per host type), so a plain loop is fast and its errors name the series.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from cloudcost.input_errors import InputError

INSTALL_HINT = "pip install 'cloudcost[models]' (statsforecast)"
INTERVAL_LEVEL = 80  # the 80 % interval every computed source reports (lower_bound, upper_bound)


@dataclass(frozen=True)
class ModelForecast:
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def _models() -> dict[str, Callable[[int], Any]]:
    """Model name -> factory taking the season length (days in a week, months in a year)."""
    try:
        from statsforecast import models as sf
    except ImportError as error:  # the optional group is not installed
        raise InputError(f"statistical models need statsforecast: {INSTALL_HINT}") from error
    return {
        "autoarima": lambda season: sf.AutoARIMA(season_length=season),
        "autoets": lambda season: sf.AutoETS(season_length=season),
        "autotheta": lambda season: sf.AutoTheta(season_length=season),
        "mstl": lambda season: sf.MSTL(season_length=season, trend_forecaster=sf.AutoETS(model="ZZN")),
    }


MODEL_NAMES = ("autoarima", "autoets", "autotheta", "mstl")


def check_model_names(names: tuple[str, ...] | list[str]) -> list[str]:
    """Lower-cased known model names, or an InputError naming the unknown one."""
    chosen = []
    for name in names:
        key = name.strip().lower()
        if key not in MODEL_NAMES:
            raise InputError(f"unknown model {name!r}: use one of {', '.join(MODEL_NAMES)}")
        if key not in chosen:
            chosen.append(key)
    return chosen


def forecast_series(values: np.ndarray, model: str, steps: int, season_length: int) -> ModelForecast:
    """``steps`` values after the series' last one, with the 80 % interval; never negative.

    A constant series is forecast as that constant with a zero-width interval (the models' own fit would
    only add noise to it); a series shorter than two seasons is fitted without seasonality.
    """
    y = np.asarray(values, dtype=float)
    if y.size == 0:
        raise ValueError("no history to fit")
    if np.all(y == y[0]):
        flat = np.full(steps, y[0])
        return ModelForecast(flat, flat.copy(), flat.copy())
    season = season_length if y.size >= 2 * season_length else 1
    fitted = _models()[model](season).forecast(y=y, h=steps, level=[INTERVAL_LEVEL])
    mean = np.clip(np.asarray(fitted["mean"], dtype=float), 0.0, None)
    lower = np.clip(np.asarray(fitted[f"lo-{INTERVAL_LEVEL}"], dtype=float), 0.0, None)
    upper = np.clip(np.asarray(fitted[f"hi-{INTERVAL_LEVEL}"], dtype=float), 0.0, None)
    lower = np.minimum(lower, mean)
    upper = np.maximum(upper, mean)
    return ModelForecast(mean, lower, upper)
