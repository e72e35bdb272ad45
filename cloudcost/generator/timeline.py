"""Billing periods of the generated window and the schedule of CUR deliveries.

Every hour of the window has an absolute index (0 = first hour of the first period). The last period is
the open month: it holds data up to ``OPEN_MONTH_DAYS`` days. Deliveries follow AWS's rhythm:

* ``month_to_date``: an open month re-delivered as it grows (weekly: data through the 7th, 14th, 21th,
  28th). The open month always gets at least one; with month-to-date history on, the last
  ``mtd_months`` periods (closed ones included) got them while they were open.
* ``final``: a closed month, delivered on the 3rd of the next month, with invoice ids.
* ``restated``: a closed month delivered again after its close with changed amounts (a late credit).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

OPEN_MONTH_DAYS = 20  # the open month holds data for its first 20 days
MTD_CUTOFF_DAYS = (8, 15, 22, 29)  # month-to-date deliveries: data before these days of the month
FINAL_DELIVERY_DAY = 3
RESTATEMENT_DAY_IN_OPEN_MONTH = 10
CLOSE_BUSINESS_DAY = 5  # the books close on the 5th business day of the next month


def parse_month(text: str) -> date:
    try:
        parsed = datetime.strptime(text, "%Y-%m")
    except ValueError as exc:
        raise ValueError(f"--start must look like 2026-05, not {text!r}") from exc
    return date(parsed.year, parsed.month, 1)


def add_months(first_day: date, months: int) -> date:
    index = first_day.year * 12 + first_day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def business_day(month_start: date, n: int) -> date:
    """The n-th business day (Mon–Fri) of the month starting at month_start."""
    day = month_start
    count = 0
    while True:
        if day.weekday() < 5:
            count += 1
            if count == n:
                return day
        day += timedelta(days=1)


def to_datetime(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True)
class Period:
    index: int
    start: date  # first day of the month
    end: date  # first day of the next month
    data_end: date  # exclusive end of the usage the window holds (== end for closed months)
    start_hour: int  # absolute hour index of the period's first hour
    is_open: bool

    @property
    def label(self) -> str:
        return self.start.strftime("%Y-%m")

    @property
    def days_in_month(self) -> int:
        return calendar.monthrange(self.start.year, self.start.month)[1]

    @property
    def hours_in_month(self) -> int:
        return self.days_in_month * 24

    @property
    def data_days(self) -> int:
        return (self.data_end - self.start).days

    @property
    def closed_on(self) -> date | None:
        return None if self.is_open else business_day(self.end, CLOSE_BUSINESS_DAY)


@dataclass(frozen=True)
class Window:
    periods: tuple[Period, ...]

    @property
    def start(self) -> date:
        return self.periods[0].start

    @property
    def end(self) -> date:
        return self.periods[-1].data_end

    @property
    def hours(self) -> int:
        return (self.end - self.start).days * 24

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def open_period(self) -> Period:
        return self.periods[-1]

    def hour_of(self, moment: datetime) -> float:
        return (moment - to_datetime(self.start)).total_seconds() / 3600.0

    def day_index(self, day: date) -> int:
        return (day - self.start).days

    def epoch_seconds(self) -> int:
        return int(to_datetime(self.start).timestamp())

    def period_hour(self, index: int, day: int = 1, hour: float = 0.0) -> float:
        """Window hour of a day of the period `index` (inf when that period is not in the window)."""
        if index >= len(self.periods):
            return float("inf")
        return self.periods[index].start_hour + (day - 1) * 24 + hour


def build_window(start: date, months: int) -> Window:
    if months < 1:
        raise ValueError("--months must be at least 1")
    periods = []
    hour = 0
    for index in range(months):
        first = add_months(start, index)
        end = add_months(start, index + 1)
        is_open = index == months - 1
        data_end = first + timedelta(days=OPEN_MONTH_DAYS) if is_open else end
        periods.append(Period(index, first, end, data_end, hour, is_open))
        hour += (data_end - first).days * 24
    return Window(tuple(periods))


@dataclass(frozen=True)
class PlannedDelivery:
    period: Period
    kind: str  # month_to_date | final | restated
    as_of: date  # exclusive end of the usage this delivery holds
    delivered_on: date

    @property
    def cutoff_day(self) -> int:
        """Number of days of the period this delivery holds."""
        return (self.as_of - self.period.start).days


def plan_deliveries(window: Window, mtd_months: int, restate: bool) -> list[PlannedDelivery]:
    """Every delivery of the window, in delivery order."""
    planned: list[PlannedDelivery] = []
    n = len(window.periods)
    for period in window.periods:
        with_history = period.index >= n - mtd_months
        if period.is_open:
            cutoffs = [period.start + timedelta(days=d - 1) for d in MTD_CUTOFF_DAYS]
            as_ofs = [c for c in cutoffs if c < period.data_end] if with_history else []
            as_ofs.append(period.data_end)
            planned += [PlannedDelivery(period, "month_to_date", a, a) for a in as_ofs]
            continue
        if with_history:
            for d in MTD_CUTOFF_DAYS:
                as_of = period.start + timedelta(days=d - 1)
                if as_of < period.end:
                    planned.append(PlannedDelivery(period, "month_to_date", as_of, as_of))
        planned.append(
            PlannedDelivery(period, "final", period.end, period.end + timedelta(days=FINAL_DELIVERY_DAY - 1))
        )
    restated = restated_period(window) if restate else None
    if restated is not None:
        delivered = window.open_period.start + timedelta(days=RESTATEMENT_DAY_IN_OPEN_MONTH - 1)
        planned.append(PlannedDelivery(restated, "restated", restated.end, delivered))
    order = {"month_to_date": 0, "final": 1, "restated": 2}
    planned.sort(key=lambda p: (p.delivered_on, p.period.index, order[p.kind]))
    return planned


def restated_period(window: Window) -> Period | None:
    """The closed month that gets a restated delivery (three months before the open one when possible)."""
    closed = [p for p in window.periods if not p.is_open]
    if not closed:
        return None
    return closed[max(0, len(closed) - 3)]
