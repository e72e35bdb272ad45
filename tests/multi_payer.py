"""Several payers in one warehouse, made from one generated company: payer A is the generated CUR as it is
(USD); payer B is a copy under other payer and account ids (USD); payer C a copy billed in INR, as AWS India
bills. Each copy keeps the original's line ids (they repeat across payers, as they may in real exports), gets its
own invoice ids and its own commitment ARNs (a commitment belongs to one payer)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from cloudcost.generator import latest_deliveries


@dataclass(frozen=True)
class PayerCopy:
    label: str
    first_digit: str  # account ids of the copy: the original ids with this first digit
    currency: str


COPIES = (PayerCopy("B", "2", "USD"), PayerCopy("C", "3", "INR"))
ID_COLUMNS = (
    "bill_payer_account_id",
    "line_item_usage_account_id",
    "reservation_reservation_a_r_n",
    "savings_plan_savings_plan_a_r_n",
    "line_item_resource_id",
)


def _read(files: list[Path]) -> str:
    listed = ", ".join(f"'{file}'" for file in files)
    return f"read_parquet([{listed}], hive_partitioning = false, union_by_name = true)"


def _renamed(column: str, accounts: list[str], digit: str) -> str:
    expression = f'"{column}"'
    for account in accounts:
        expression = f"replace({expression}, '{account}', '{digit}{account[1:]}')"
    return expression


def write_payers(generated: Path, destination: Path) -> dict[str, list[Path]]:
    """One parquet file per billing period and payer under ``destination/<payer>/``; returns them by payer."""
    con = duckdb.connect()
    written: dict[str, list[Path]] = {}
    for delivery in latest_deliveries(generated):
        files = sorted(Path(delivery).rglob("*.parquet"))
        source = _read(files)
        accounts = sorted(
            {
                row[0]
                for row in con.sql(
                    f"select distinct line_item_usage_account_id from {source} union "
                    f"select distinct bill_payer_account_id from {source}"
                ).fetchall()
                if row[0]
            }
        )
        period = Path(delivery).parent.name.split("=")[-1]
        original = destination / "A" / f"{period}.parquet"
        original.parent.mkdir(parents=True, exist_ok=True)
        con.sql(f"copy (select * from {source}) to '{original}' (format parquet)")
        written.setdefault("A", []).append(original)
        for copy in COPIES:
            replaced = [f"{_renamed(column, accounts, copy.first_digit)} as {column}" for column in ID_COLUMNS]
            replaced.append(
                f"case when bill_invoice_id is null or bill_invoice_id = '' then bill_invoice_id "
                f"else '{copy.label}' || bill_invoice_id end as bill_invoice_id"
            )
            replaced.append(f"'{copy.currency}' as line_item_currency_code")
            target = destination / copy.label / f"{period}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            con.sql(f"copy (select * replace ({', '.join(replaced)}) from {source}) to '{target}' (format parquet)")
            written.setdefault(copy.label, []).append(target)
    con.close()
    return written
