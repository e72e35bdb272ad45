"""Read both sides' relations in one connection and compute row counts, metric deltas and moves.

DuckDB: the two scratch files are attached read-only as ``base_side`` and ``head_side``. Postgres: one
connection sees both sides' prefixed schemas. All SQL here runs unchanged on both engines.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cloudcost.diff.manifest import Node
from cloudcost.diff.metrics import (
    ColumnChange,
    Delta,
    KeyedChanges,
    Measure,
    MetricSpec,
    MetricTable,
    Move,
    MoveSpec,
)
from cloudcost.settings import Settings
from cloudcost.sql_text import quote_identifier, sql_string


class SideReader(ABC):
    """Queries over the relations of both sides."""

    @abstractmethod
    def relation(self, side: str, node: Node) -> str: ...

    @abstractmethod
    def fetch(self, sql: str) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def _column_rows(self, side: str, node: Node) -> list[tuple[Any, ...]]:
        """(column name, data type) of the relation in column order; empty when it does not exist."""

    @abstractmethod
    def close(self) -> None: ...

    def columns(self, side: str, node: Node) -> set[str]:
        """Columns the relation really has (empty when it does not exist)."""
        return {str(row[0]).lower() for row in self._column_rows(side, node)}

    def column_types(self, side: str, node: Node) -> dict[str, str]:
        """Column name -> data type, in the relation's column order."""
        return {str(row[0]).lower(): str(row[1]).lower() for row in self._column_rows(side, node)}

    def row_count(self, side: str, node: Node) -> int | None:
        if not self.columns(side, node):
            return None
        found = self.fetch(f"select count(*) from {self.relation(side, node)}")
        return int(found[0][0]) if found else None


class DuckDBReader(SideReader):
    def __init__(self, base_path: Path, head_path: Path) -> None:
        import duckdb

        self._con = duckdb.connect()
        for alias, path in (("base_side", base_path), ("head_side", head_path)):
            quoted = sql_string(str(path))
            self._con.execute(f"attach {quoted} as {alias} (read_only)")

    def relation(self, side: str, node: Node) -> str:
        return ".".join(quote_identifier(part) for part in (f"{side}_side", node["schema"], node["alias"]))

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return self._con.execute(sql).fetchall()

    def _column_rows(self, side: str, node: Node) -> list[tuple[Any, ...]]:
        return self._con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
            [f"{side}_side", node["schema"], node["alias"]],
        ).fetchall()

    def close(self) -> None:
        self._con.close()


class PostgresReader(SideReader):
    def __init__(self, settings: Settings) -> None:
        import psycopg2

        self._con = psycopg2.connect(settings.pg_dsn)
        self._con.set_session(readonly=True, autocommit=True)

    def relation(self, side: str, node: Node) -> str:
        return ".".join(quote_identifier(part) for part in (node["schema"], node["alias"]))

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        with self._con.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall())

    def _column_rows(self, side: str, node: Node) -> list[tuple[Any, ...]]:
        with self._con.cursor() as cur:
            cur.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = %s and table_name = %s order by ordinal_position",
                (node["schema"], node["alias"]),
            )
            return list(cur.fetchall())

    def close(self) -> None:
        self._con.close()


def _period_text(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    return "" if value is None else str(value)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _sum_expression(measure: Measure, column: str, qualifier: str = "") -> str:
    reference = f"{qualifier}{column}"
    if measure.condition:
        return f"sum(case when {measure.condition} then {reference} else 0 end)"
    return f"sum({reference})"


def _period_expression(spec_period: str, is_month: bool) -> str:
    if is_month:
        return f"cast({spec_period} as date)"
    return f"cast(date_trunc('month', {spec_period}) as date)"


def _side_sums(
    reader: SideReader, side: str, node: Node, spec: MetricSpec, fixed: list[str], breakdown: str | None
) -> dict[tuple[Any, ...], list[float | None]]:
    keys = [_period_expression(spec.period_column, spec.period_is_month), *fixed]
    if breakdown:
        keys.append(breakdown)
    aggregates = []
    for measure in spec.measures:
        aggregates.append(_sum_expression(measure, measure.column))
        if measure.denominator:
            aggregates.append(f"sum({measure.denominator})")
    positions = ", ".join(str(index + 1) for index in range(len(keys)))
    sql = f"select {', '.join(keys)}, {', '.join(aggregates)} from {reader.relation(side, node)} group by {positions}"
    sums: dict[tuple[Any, ...], list[float | None]] = {}
    for row in reader.fetch(sql):
        key = (_period_text(row[0]), *(_text(value) for value in row[1 : len(keys)]))
        if not breakdown:
            key = (*key, None)
        values: list[float | None] = []
        position = len(keys)
        for measure in spec.measures:
            numerator = row[position]
            position += 1
            if measure.denominator:
                denominator = row[position]
                position += 1
                values.append(float(numerator) / float(denominator) if numerator is not None and denominator else None)
            else:
                values.append(float(numerator) if numerator is not None else None)
        sums[key] = values
    return sums


def metric_tables(reader: SideReader, spec: MetricSpec, base: Node, head: Node, tolerance: float) -> list[MetricTable]:
    """Deltas of every measure of ``spec``, by month and by month × each breakdown column."""
    available = reader.columns("base", base) & reader.columns("head", head)
    if not spec.required_columns() <= available:
        return []
    fixed = [column for column in spec.fixed_columns if column in available]
    tables: list[MetricTable] = []
    for breakdown in (None, *(column for column in spec.breakdowns if column in available)):
        base_sums = _side_sums(reader, "base", base, spec, fixed, breakdown)
        head_sums = _side_sums(reader, "head", head, spec, fixed, breakdown)
        for index, measure in enumerate(spec.measures):
            table = MetricTable(spec.model, measure, breakdown, tuple(fixed))
            limit = tolerance if measure.kind != "ratio" else min(tolerance, 1e-9)
            for key in sorted(set(base_sums) | set(head_sums), key=lambda item: tuple(str(v) for v in item)):
                before = base_sums.get(key, [None] * len(spec.measures))[index]
                after = head_sums.get(key, [None] * len(spec.measures))[index]
                delta = Delta(period=key[0], fixed=tuple(key[1:-1]), group=key[-1], base=before, head=after)
                if abs(delta.change) > limit:
                    table.rows.append(delta)
            table.rows.sort(key=lambda delta: (-abs(delta.change), delta.period, str(delta.group)))
            tables.append(table)
    return tables


def moves(reader: SideReader, spec: MoveSpec, base: Node, head: Node, tolerance: float) -> list[Move]:
    """Per month and dimension: cost whose value changed between the sides, matched line by line."""
    available = reader.columns("base", base) & reader.columns("head", head)
    if not spec.required_columns() <= available:
        return []
    fixed = [column for column in spec.fixed_columns if column in available]
    measure_columns = [
        (f"case when {measure.condition} then {measure.column} else 0 end" if measure.condition else measure.column)
        + f" as measure_{index}"
        for index, measure in enumerate(spec.measures)
    ]
    base_columns = [spec.key_column, f"{spec.period_column} as period", *fixed, *spec.dimensions, *measure_columns]
    head_columns = [spec.key_column, *spec.dimensions]
    selects = []
    for dimension in spec.dimensions:
        fixed_out = "".join(f", base_rows.{column}" for column in fixed)
        sums = ", ".join(f"sum(base_rows.measure_{index})" for index in range(len(spec.measures)))
        selects.append(
            f"select base_rows.period{fixed_out}, '{dimension}' as dimension, "
            f"base_rows.{dimension} as from_value, head_rows.{dimension} as to_value, {sums} "
            "from base_rows inner join head_rows "
            f"on base_rows.{spec.key_column} = head_rows.{spec.key_column} "
            f"where base_rows.{dimension} is distinct from head_rows.{dimension} "
            f"group by base_rows.period{fixed_out}, base_rows.{dimension}, head_rows.{dimension}"
        )
    sql = (
        f"with base_rows as (select {', '.join(base_columns)} from {reader.relation('base', base)}), "
        f"head_rows as (select {', '.join(head_columns)} from {reader.relation('head', head)}) "
        + " union all ".join(selects)
    )
    found: list[Move] = []
    for row in reader.fetch(sql):
        offset = 1 + len(fixed)
        amounts = {measure.label: float(row[offset + 3 + index] or 0.0) for index, measure in enumerate(spec.measures)}
        if max(abs(value) for value in amounts.values()) <= tolerance:
            continue
        found.append(
            Move(
                model=spec.model,
                period=_period_text(row[0]),
                fixed=tuple(_text(value) or "" for value in row[1:offset]),
                dimension=str(row[offset]),
                from_value=_text(row[offset + 1]),
                to_value=_text(row[offset + 2]),
                amounts=amounts,
            )
        )
    first = spec.measures[0].label
    found.sort(key=lambda move: (-abs(move.amounts[first]), move.period, move.dimension))
    return found


NUMERIC_TYPE = re.compile(r"^(double|decimal|numeric|real|float|bigint|integer|int|smallint|tinyint|hugeint|ubigint)")
DESCRIBING_COLUMNS = 4


def keyed_changes(
    reader: SideReader, model: str, key: str, base: Node, head: Node, tolerance: float
) -> KeyedChanges | None:
    """Rows of a mart matched on its primary key: added, removed, changed; per number column the largest move."""
    base_types, head_types = reader.column_types("base", base), reader.column_types("head", head)
    if key not in base_types or key not in head_types:
        return None
    common = [column for column in head_types if column in base_types and column != key]
    numeric = [column for column in common if NUMERIC_TYPE.match(head_types[column])]
    other = [column for column in common if column not in numeric]

    def moved(column: str) -> str:
        before, after = f"base_rows.{column}", f"head_rows.{column}"
        return (
            f"(abs(coalesce({after}, 0) - coalesce({before}, 0)) > {tolerance!r} "
            f"or ({before} is null) <> ({after} is null))"
        )

    differs = [moved(column) for column in numeric] + [
        f"base_rows.{column} is distinct from head_rows.{column}" for column in other
    ]
    joined = (
        f"from {reader.relation('base', base)} as base_rows "
        f"full outer join {reader.relation('head', head)} as head_rows on base_rows.{key} = head_rows.{key}"
    )
    both = f"base_rows.{key} is not null and head_rows.{key} is not null"
    counts = [
        f"sum(case when head_rows.{key} is null then 1 else 0 end)",
        f"sum(case when base_rows.{key} is null then 1 else 0 end)",
        f"sum(case when {both} and ({' or '.join(differs) or 'false'}) then 1 else 0 end)",
        *(f"sum(case when {both} and {moved(column)} then 1 else 0 end)" for column in numeric),
    ]
    totals = reader.fetch(f"select {', '.join(counts)} {joined}")[0]
    result = KeyedChanges(model, key, int(totals[1] or 0), int(totals[0] or 0), int(totals[2] or 0))
    # what a reader needs to find the row: a natural key itself, then dates and ids (not free text)
    readable = [name for name in other if name != "description" and not name.endswith("_name")]
    natural_key = [] if key.endswith("_key") else [key]  # `*_key` columns are hashes
    describing = (natural_key + readable)[:DESCRIBING_COLUMNS]
    for column, count in zip(numeric, totals[3:], strict=True):
        if not count:
            continue
        picked = ", ".join(f"coalesce(base_rows.{name}, head_rows.{name})" for name in describing)
        row = reader.fetch(
            f"select {picked + ', ' if picked else ''}base_rows.{column}, head_rows.{column} {joined} "
            f"where {both} and {moved(column)} "
            f"order by abs(coalesce(head_rows.{column}, 0) - coalesce(base_rows.{column}, 0)) desc limit 1"
        )[0]
        before, after = row[-2], row[-1]
        result.columns.append(
            ColumnChange(
                column=column,
                rows_changed=int(count),
                base=None if before is None else float(before),
                head=None if after is None else float(after),
                where={name: _text(value) for name, value in zip(describing, row[:-2], strict=True)},
            )
        )
    result.columns.sort(key=lambda change: -abs(change.change))
    return result
