"""Month arithmetic and period-over-period change for the month-end pages (pure functions, no Streamlit)."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date


def days_in_month(month: date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def shift(month: date, months: int) -> date:
    """The first day of the month ``months`` after ``month`` (negative: before)."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return month.replace(day=days_in_month(month))


@dataclass(frozen=True)
class Change:
    """``current`` against ``previous`` in total and per day (months have 28 to 31 days)."""

    current: float
    previous: float | None
    current_days: int
    previous_days: int

    @property
    def amount(self) -> float | None:
        return None if self.previous is None else self.current - self.previous

    @property
    def ratio(self) -> float | None:
        return _ratio(self.current, self.previous)

    @property
    def per_day(self) -> float:
        return self.current / self.current_days

    @property
    def previous_per_day(self) -> float | None:
        return None if self.previous is None else self.previous / self.previous_days

    @property
    def per_day_ratio(self) -> float | None:
        return _ratio(self.per_day, self.previous_per_day)


def _ratio(current: float, previous: float | None) -> float | None:
    if previous is None or previous == 0 or math.isnan(previous):
        return None
    return (current - previous) / abs(previous)


def change(values: dict[date, float], month: date, months_back: int = 1) -> Change:
    """``values[month]`` against the month ``months_back`` before (None when that month has no data)."""
    before = shift(month, -months_back)
    return Change(values.get(month, 0.0), values.get(before), days_in_month(month), days_in_month(before))


def run_rate_projection(to_date: float, month: date, through: date) -> float:
    """Month-end projection of a partial month at its daily run rate so far."""
    days_so_far = (through - month).days + 1
    if days_so_far <= 0:
        return to_date
    return to_date / days_so_far * days_in_month(month)
