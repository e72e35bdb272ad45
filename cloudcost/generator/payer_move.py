"""A linked account that moves from payer A to payer B in the middle of the open month
(``cloudcost generate --payers 2 --move-account``).

When an account leaves one AWS Organization for another, the old payer's CUR holds its lines up to the move
and the new payer's CUR its lines from the move on; the account's usage, prices and currency do not change.
The moved account is the linked account of payer A with the most lines in the open month among those with no
commitment lines (its commitments would stay with payer A: a commitment is never shared across payers). From
the move day on, its lines (all but tax, which AWS computes per payer at period start) leave payer A's latest
delivery of the open month and join payer B's copy of that month, under payer B's payer id, with their own
account id and new line ids (line ids are unique within a payer's CUR). Money moves, none is created or lost.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb

COMMITMENT_TYPES = ("DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation", "RIFee")
COMMITMENT_TYPES_SQL = ", ".join(f"'{name}'" for name in COMMITMENT_TYPES)


def _files_sql(files: list[Path]) -> str:
    return "[" + ", ".join(f"'{file}'" for file in files) + "]"


def _mover(con: duckdb.DuckDBPyConnection, source: str) -> str:
    found = con.execute(
        f"""
        select line_item_usage_account_id
        from {source}
        where line_item_usage_account_id <> bill_payer_account_id
        group by line_item_usage_account_id
        having count(*) filter (
            where line_item_line_item_type in ({COMMITMENT_TYPES_SQL}) or line_item_line_item_type like 'SavingsPlan%'
                or coalesce(reservation_reservation_a_r_n, '') <> ''
                or coalesce(savings_plan_savings_plan_a_r_n, '') <> ''
        ) = 0
        order by count(*) desc, line_item_usage_account_id
        limit 1
        """
    ).fetchall()
    if not found:
        raise ValueError("no linked account of payer A without commitment lines to move")
    return str(found[0][0])


def _move_day(con: duckdb.DuckDBPyConnection, source: str) -> date:
    first, last = con.execute(
        f"select min(cast(line_item_usage_start_date as date)), max(cast(line_item_usage_start_date as date)) "
        f"from {source}"
    ).fetchall()[0]
    return first + timedelta(days=max(1, (last - first).days // 2))


def move_account(a_delivery: Path, b_file: Path) -> dict[str, str | int]:
    """Move one linked account of payer A's delivery ``a_delivery`` (a folder) to payer B's ``b_file`` from the
    middle of the month on; what moved, for generation.json."""
    a_files = sorted(a_delivery.rglob("*.parquet"))
    con = duckdb.connect()
    source = f"read_parquet({_files_sql(a_files)}, hive_partitioning = false, union_by_name = true)"
    account = _mover(con, source)
    day = _move_day(con, source)
    b_payer = con.execute(f"select any_value(bill_payer_account_id) from read_parquet('{b_file}')").fetchall()[0][0]
    moved_where = (
        f"line_item_usage_account_id = '{account}' and line_item_line_item_type <> 'Tax' "
        f"and cast(line_item_usage_start_date as date) >= date '{day.isoformat()}'"
    )
    moved = con.execute(f"select count(*), sum(line_item_unblended_cost) from {source} where {moved_where}")
    line_count, unblended = moved.fetchall()[0]
    # a payer's CUR never repeats a line id, and payer B's copy already holds these ids for its own accounts
    new_id = "md5('moved/' || identity_line_item_id) as identity_line_item_id"
    as_b = f"select * replace ('{b_payer}' as bill_payer_account_id, {new_id}) from {source} where {moved_where}"
    con.execute(f"create table moved as {as_b}")
    for file in a_files:  # payer A's delivery without the moved lines, file by file
        kept = file.with_suffix(".kept")
        kept_lines = f"select * from read_parquet('{file}') where not ({moved_where})"
        con.execute(f"copy ({kept_lines}) to '{kept}' (format parquet)")
        kept.replace(file)
    merged = b_file.with_suffix(".merged")
    con.execute(
        f"copy (select * from read_parquet('{b_file}') union all by name select * from moved) to '{merged}' "
        "(format parquet)"
    )
    merged.replace(b_file)
    from_payer = con.execute(f"select any_value(bill_payer_account_id) from {source}").fetchall()[0][0]
    con.close()
    return {
        "account_id": account,
        "from_payer_account_id": str(from_payer),
        "to_payer_account_id": str(b_payer),
        "move_date": day.isoformat(),
        "moved_lines": int(line_count),
        "moved_unblended_cost": float(unblended or 0),
    }
