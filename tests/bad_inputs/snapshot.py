"""What the warehouse holds, in a form two moments can be compared by: a refused load must change nothing.

For every table of the raw schema (CUR, deliveries, finance files, forecasts): its columns, and per billing
period (or the table's own period or date column) the row count and the sum of every numeric column as
decimal(38,10), so sums are exact and do not depend on the order DuckDB adds doubles in. Tables of at most
``FULL_ROWS_UP_TO`` rows, and ``raw_cur_deliveries`` always, are also kept row for row; the larger ones (the
line items, the forecast vintages) are compared by those counts and sums per period.
"""

from __future__ import annotations

from typing import Any

from cloudcost.settings import RAW_SCHEMA, Settings

PERIOD_COLUMNS = (
    "bill_billing_period_start_date",
    "billing_period",
    "period",
    "forecast_month",
    "target_date",
    "volume_date",
)
NUMERIC_TYPES = ("double", "decimal", "numeric", "bigint", "integer", "hugeint", "real", "float", "smallint")
FULL_ROWS_UP_TO = 2000
ALWAYS_FULL = ("raw_cur_deliveries",)

Snapshot = dict[str, Any]


def _is_numeric(data_type: str) -> bool:
    return data_type.lower().startswith(NUMERIC_TYPES)


def _aggregate_sql(table: str, columns: list[tuple[str, str]], postgres: bool) -> str:
    names = [name for name, _ in columns]
    period = next((name for name in PERIOD_COLUMNS if name in names), None)
    period_sql = f"cast({period} as date)" if period else "cast(null as date)"
    if postgres:
        sums = [f"round(sum({name}::numeric), 10)" for name, data_type in columns if _is_numeric(data_type)]
    else:
        sums = [f"sum(try_cast({name} as decimal(38, 10)))" for name, data_type in columns if _is_numeric(data_type)]
    selected = ", ".join([f"{period_sql} as snapshot_period", "count(*)", *sums])
    return f"select {selected} from {RAW_SCHEMA}.{table} group by 1 order by 1"


def _comparable(rows: list[tuple[Any, ...]]) -> list[tuple[str, ...]]:
    """Rows as sorted tuples of text (repr keeps NaN and types apart)."""
    return sorted(tuple(repr(value) for value in row) for row in rows)


def _take(fetch: Any, tables: dict[str, list[tuple[str, str]]], postgres: bool) -> Snapshot:
    snapshot: Snapshot = {}
    for table in sorted(tables):
        columns = tables[table]
        per_period = fetch(_aggregate_sql(table, columns, postgres))
        entry: dict[str, Any] = {"columns": columns, "per_period": _comparable(per_period)}
        if table in ALWAYS_FULL or sum(int(row[1]) for row in per_period) <= FULL_ROWS_UP_TO:
            entry["rows"] = _comparable(fetch(f"select * from {RAW_SCHEMA}.{table}"))
        snapshot[table] = entry
    return snapshot


COLUMNS_SQL = (
    "select table_name, column_name, data_type from information_schema.columns "
    "where table_schema = '{schema}' order by table_name, ordinal_position"
)


def _tables(rows: list[tuple[Any, ...]]) -> dict[str, list[tuple[str, str]]]:
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(str(table), []).append((str(column), str(data_type)))
    return tables


def take_snapshot(settings: Settings) -> Snapshot:
    """The comparable contents of the raw schema of the settings' warehouse."""
    if settings.target == "duckdb":
        import duckdb

        if not settings.duckdb_path.exists():
            return {}
        con = duckdb.connect(str(settings.duckdb_path), read_only=True)  # nothing to checkpoint on close
        try:
            tables = _tables(con.execute(COLUMNS_SQL.format(schema=RAW_SCHEMA)).fetchall())
            return _take(lambda sql: con.execute(sql).fetchall(), tables, postgres=False)
        finally:
            con.close()
    import psycopg2

    pg = psycopg2.connect(settings.pg_dsn)
    try:
        with pg.cursor() as cur:

            def fetch(sql: str) -> list[tuple[Any, ...]]:
                cur.execute(sql)
                return cur.fetchall()

            tables = _tables(fetch(COLUMNS_SQL.format(schema=RAW_SCHEMA)))
            return _take(fetch, tables, postgres=True)
    finally:
        pg.close()


def describe_difference(before: Snapshot, after: Snapshot) -> str:
    """One sentence per table that differs, for the assertion message."""
    changes: list[str] = []
    for table in sorted(set(before) | set(after)):
        if table not in after:
            changes.append(f"{table} disappeared")
        elif table not in before:
            changes.append(f"{table} appeared ({len(after[table].get('rows', []))} rows)")
        elif before[table] != after[table]:
            parts = [
                key for key in ("columns", "per_period", "rows") if before[table].get(key) != after[table].get(key)
            ]
            changes.append(f"{table} changed ({', '.join(parts)})")
    return "; ".join(changes) or "no difference"
