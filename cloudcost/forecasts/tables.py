"""The two kinds of forecast file and the raw tables they are loaded into (DESIGN.md §3.6).

A file's columns are named as in the repository's seeds (``seeds/forecasts/*.csv``); the raw tables add the
file each row came from and when it was loaded. Types are spelled the same on DuckDB and Postgres.
"""

from __future__ import annotations

from dataclasses import dataclass

from cloudcost.settings import RAW_SCHEMA

# Sources the models compute themselves; a submitted file may not use these names.
COMPUTED_SOURCES: tuple[str, ...] = ("baseline", "naive_last_value", "naive_seasonal", "month_end_projection")

# Pricing models of a finance forecast row (as in fct_cost_daily.pricing_model).
PRICING_MODELS: tuple[str, ...] = ("on_demand", "reserved", "savings_plan", "spot", "free_tier", "none")


@dataclass(frozen=True)
class FileColumn:
    name: str  # column name in the file
    raw_name: str  # column name in the raw table
    sql_type: str  # varchar | timestamp | date | double precision
    required: bool


@dataclass(frozen=True)
class ForecastKind:
    name: str  # usage | finance
    table: str  # raw table name
    columns: tuple[FileColumn, ...]
    grain: tuple[str, ...]  # raw columns that, with source and generated_at, identify a row
    target: str  # raw column holding the target (date or month)

    @property
    def qualified_table(self) -> str:
        return f"{RAW_SCHEMA}.{self.table}"

    @property
    def raw_columns(self) -> list[tuple[str, str]]:
        """(name, type) of every raw table column, in table order."""
        return [(c.raw_name, c.sql_type) for c in self.columns] + [
            ("source_file", "varchar"),
            ("loaded_at", "timestamp"),
        ]

    def file_column(self, name: str) -> FileColumn | None:
        return next((c for c in self.columns if c.name == name), None)


def _col(name: str, sql_type: str, required: bool, raw_name: str | None = None) -> FileColumn:
    return FileColumn(name=name, raw_name=raw_name or name, sql_type=sql_type, required=required)


USAGE = ForecastKind(
    name="usage",
    table="raw_usage_forecasts",
    columns=(
        _col("source", "varchar", True, raw_name="forecast_source"),
        _col("generated_at", "timestamp", True),
        _col("host_type", "varchar", True),
        _col("team", "varchar", False),
        _col("instance_family", "varchar", False),
        _col("region", "varchar", False),
        _col("target_date", "date", True),
        _col("normalized_units", "double precision", True),
        _col("lower_bound", "double precision", False),
        _col("upper_bound", "double precision", False),
    ),
    grain=("host_type", "team", "instance_family", "region", "target_date"),
    target="target_date",
)

FINANCE = ForecastKind(
    name="finance",
    table="raw_finance_forecasts",
    columns=(
        _col("source", "varchar", True, raw_name="forecast_source"),
        _col("generated_at", "timestamp", True),
        _col("month", "date", True, raw_name="forecast_month"),
        _col("service_code", "varchar", True),
        _col("instance_family", "varchar", False),
        _col("pricing_model", "varchar", True),
        _col("currency", "varchar", False),
        _col("public_on_demand_cost", "double precision", True),
        _col("expected_discount_rate", "double precision", True),
        _col("net_cost", "double precision", True),
    ),
    grain=("forecast_month", "service_code", "instance_family", "pricing_model", "currency"),
    target="forecast_month",
)

KINDS: tuple[ForecastKind, ...] = (USAGE, FINANCE)


def kind_of_header(header: list[str]) -> ForecastKind | None:
    """Which kind of forecast a file holds, from its header (None when neither)."""
    names = set(header)
    if {"host_type", "target_date", "normalized_units"} <= names:
        return USAGE
    if {"month", "service_code", "net_cost"} <= names:
        return FINANCE
    return None


def create_table_sql(kind: ForecastKind) -> list[str]:
    columns = ", ".join(f"{name} {sql_type}" for name, sql_type in kind.raw_columns)
    return [
        f"create schema if not exists {RAW_SCHEMA}",
        f"create table if not exists {kind.qualified_table} ({columns})",
    ]
