"""The key numbers `cloudcost diff` compares: which public mart, which measure, grouped by what.

A measure is either a sum of one column or a ratio of two sums (coverage, accuracy), so it can be
recomputed at any grouping. A spec is used only when its mart exists on both sides and has the columns;
marts that are not rebuilt by the change cannot move and are not queried.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Measure:
    """``sum(column)``, or ``sum(column) / sum(denominator)`` when a denominator is given."""

    label: str
    column: str
    denominator: str | None = None
    kind: str = "money"  # money | units | ratio
    condition: str | None = None  # optional SQL filter on the mart's columns, e.g. "layer = 'on_demand'"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(name for name in (self.column, self.denominator) if name)


@dataclass(frozen=True)
class MetricSpec:
    """Measures of one mart by month, each on its own and per breakdown column."""

    model: str
    title: str
    period_column: str
    measures: tuple[Measure, ...]
    breakdowns: tuple[str, ...]
    # added to every grouping when the mart has them (money of several currencies is never added up)
    fixed_columns: tuple[str, ...] = ("currency",)
    period_is_month: bool = True

    def required_columns(self) -> set[str]:
        return {self.period_column, *(column for measure in self.measures for column in measure.columns)}


@dataclass(frozen=True)
class MoveSpec:
    """Cost that changed its team / host type / functional group, line by line (same key on both sides)."""

    model: str
    key_column: str
    period_column: str
    dimensions: tuple[str, ...]
    measures: tuple[Measure, ...]
    fixed_columns: tuple[str, ...] = ("currency",)

    def required_columns(self) -> set[str]:
        columns = {self.key_column, self.period_column, *self.dimensions}
        return columns | {column for measure in self.measures for column in measure.columns}


AMORTIZED = Measure("amortized cost", "amortized_cost")
PUBLIC_ON_DEMAND = Measure("public on-demand cost", "public_on_demand_cost")

METRIC_SPECS: tuple[MetricSpec, ...] = (
    MetricSpec(
        model="fct_cost_daily",
        title="cost",
        period_column="billing_period",
        measures=(AMORTIZED, PUBLIC_ON_DEMAND),
        breakdowns=("functional_group", "team", "host_type"),
    ),
    MetricSpec(
        model="fct_normalized_usage",
        title="normalized usage",
        period_column="billing_period",
        measures=(Measure("normalized units", "normalized_units", kind="units"),),
        breakdowns=("team", "host_type"),
        fixed_columns=(),
    ),
)

MOVE_SPECS: tuple[MoveSpec, ...] = (
    MoveSpec(
        model="fct_cost_layers",
        key_column="cost_layer_key",
        period_column="billing_period",
        dimensions=("team", "host_type", "functional_group"),
        measures=(
            Measure("amortized cost", "amount"),
            Measure("public on-demand cost", "amount", condition="layer = 'on_demand'"),
        ),
    ),
)


@dataclass
class Delta:
    """One group's value on both sides."""

    period: str
    fixed: tuple[str, ...]
    group: str | None
    base: float | None
    head: float | None

    @property
    def change(self) -> float:
        return (self.head or 0.0) - (self.base or 0.0)

    @property
    def percent(self) -> float | None:
        if self.base is None or self.base == 0:
            return None
        return self.change / abs(self.base) * 100.0


@dataclass
class MetricTable:
    """Deltas of one measure of one mart, by month (and one breakdown column when ``breakdown`` is set)."""

    model: str
    measure: Measure
    breakdown: str | None
    fixed_columns: tuple[str, ...]
    rows: list[Delta] = field(default_factory=list)

    @property
    def title(self) -> str:
        by = f"month and {self.breakdown.replace('_', ' ')}" if self.breakdown else "month"
        return f"{self.measure.label[:1].upper()}{self.measure.label[1:]} by {by} ({self.model})"


@dataclass
class Move:
    """Cost that one dimension moved from one value to another in one month."""

    model: str
    period: str
    fixed: tuple[str, ...]
    dimension: str
    from_value: str | None
    to_value: str | None
    amounts: dict[str, float]


@dataclass
class ColumnChange:
    """One number column of a mart compared row by row: how many rows moved, and the largest move."""

    column: str
    rows_changed: int
    base: float | None
    head: float | None
    where: dict[str, str | None]

    @property
    def change(self) -> float:
        return (self.head or 0.0) - (self.base or 0.0)


@dataclass
class KeyedChanges:
    """A public mart without a metric spec, compared on its primary key."""

    model: str
    key: str
    rows_added: int
    rows_removed: int
    rows_changed: int
    columns: list[ColumnChange] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.rows_added or self.rows_removed or self.rows_changed)
