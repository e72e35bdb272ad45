"""The two floors `cloudcost bench` compares the load and the build with, each run as its own process.

``copy``: a bare Parquet -> table copy of the files the load reads, ``create table as select * from
read_parquet(..., union_by_name = true)`` into a fresh DuckDB file, with the resources the loader uses.

``mart``: one single-pass ``create table as`` of a daily cost mart straight from the loaded raw table (one row per
day, billing period, payer, account, billing entity, invoice, currency, service, region, instance family,
pricing term and team tag, with exact decimal sums of the cost columns), in a fresh DuckDB file that attaches the
warehouse read-only (or, for a Spark warehouse folder, reads its raw Parquet files). It is the least any
pipeline must do to give the dashboard its main table.

Usage: ``python -m cloudcost.bench_floors copy OUT.duckdb FILE...`` or ``... mart OUT.duckdb WAREHOUSE``
(a DuckDB file or a Spark warehouse folder).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from cloudcost.resources import apply, duckdb_resources
from cloudcost.sql_text import sql_string

MONEY = (
    "line_item_unblended_cost",
    "line_item_net_unblended_cost",
    "pricing_public_on_demand_cost",
    "reservation_effective_cost",
    "savings_plan_savings_plan_effective_cost",
)

DAILY_MART_SQL = f"""
create table daily_cost as
select
    cast(line_item_usage_start_date as date) as usage_date,
    cast(bill_billing_period_start_date as date) as billing_period,
    bill_payer_account_id as payer_account_id,
    line_item_usage_account_id as account_id,
    bill_billing_entity as billing_entity,
    bill_invoice_id as invoice_id,
    line_item_currency_code as currency,
    line_item_product_code as service_code,
    product_region_code as region,
    product_instance_family as instance_family,
    pricing_term,
    json_extract_string(resource_tags, '$."user:team"') as team,
    {", ".join(f"sum(cast({name} as decimal(38, 10))) as {name}" for name in MONEY)},
    count(*) as line_count
from warehouse.raw.raw_cur_line_items
group by all
"""


def _fresh(path: Path) -> duckdb.DuckDBPyConnection:
    for stale in path.parent.glob(path.name + "*"):
        if stale.is_file():
            stale.unlink()
    con = duckdb.connect(str(path))
    apply(con, duckdb_resources(path))
    return con


def copy_floor(out: Path, files: list[str]) -> int:
    con = _fresh(out)
    try:
        con.execute("create table lines as select * from read_parquet(?, union_by_name = true)", [files])
        return int(con.execute("select count(*) from lines").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def _attach_warehouse(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    """The warehouse as `warehouse`: a DuckDB file read-only, or a Spark warehouse folder's raw Parquet files."""
    if not warehouse.is_dir():
        con.execute("attach ? as warehouse (read_only)", [str(warehouse)])
        return
    files = sql_string(str(warehouse / "raw" / "raw_cur_line_items" / "**" / "*.parquet"))
    con.execute("attach ':memory:' as warehouse")
    con.execute("create schema warehouse.raw")
    con.execute(
        "create view warehouse.raw.raw_cur_line_items as "
        f"select * from read_parquet({files}, hive_partitioning = false)"
    )


def mart_floor(out: Path, warehouse: Path) -> int:
    con = _fresh(out)
    try:
        con.execute("set TimeZone = 'UTC'")
        _attach_warehouse(con, warehouse)
        con.execute(DAILY_MART_SQL)
        return int(con.execute("select count(*) from daily_cost").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def main(argv: list[str]) -> int:
    kind, out, *rest = argv
    if kind == "copy":
        rows = copy_floor(Path(out), rest)
    elif kind == "mart":
        rows = mart_floor(Path(out), Path(rest[0]))
    else:
        raise SystemExit(f"unknown floor {kind!r}: copy or mart")
    print(f"{kind} floor: {rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
