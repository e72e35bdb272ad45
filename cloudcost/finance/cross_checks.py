"""Checks of staged finance rows against what the warehouse already holds, before anything is written.

* A general-ledger line that references an invoice must be in the invoice's currency: the reconciliation
  compares the two amounts as they are, and never adds or compares amounts of different currencies. The
  invoices and ledger lines compared are those the warehouse will hold after the load (the staged rows plus
  the loaded rows of periods the load does not replace), so the order of loading does not matter.
* A sign-off that names a CUR delivery must name one in ``raw.raw_cur_deliveries`` of the sign-off's billing
  period (and payer, when given); one that names an invoice must name an invoice of that period, from an
  invoice file or from the CUR.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from cloudcost.finance.errors import FinanceLoadError
from cloudcost.settings import RAW_SCHEMA, Settings


@dataclass(frozen=True)
class LoadedQuery:
    name: str  # temp table in the staging connection
    table: str  # raw table it reads
    sql: str
    columns: tuple[tuple[str, pa.DataType], ...]


LOADED_INVOICES = LoadedQuery(
    "loaded_invoices",
    "raw_finance_invoices",
    f"select invoice_id, billing_period, currency, source_file, source_line from {RAW_SCHEMA}.raw_finance_invoices",
    (
        ("invoice_id", pa.string()),
        ("billing_period", pa.date32()),
        ("currency", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int64()),
    ),
)
LOADED_LEDGER = LoadedQuery(
    "loaded_ledger",
    "raw_finance_general_ledger",
    f"select period, invoice_reference, currency, source_file, source_line "
    f"from {RAW_SCHEMA}.raw_finance_general_ledger where invoice_reference is not null",
    (
        ("period", pa.date32()),
        ("invoice_reference", pa.string()),
        ("currency", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int64()),
    ),
)
LOADED_DELIVERIES = LoadedQuery(
    "loaded_deliveries",
    "raw_cur_deliveries",
    f"select delivery_id, billing_period, payer_account_id from {RAW_SCHEMA}.raw_cur_deliveries",
    (("delivery_id", pa.string()), ("billing_period", pa.date32()), ("payer_account_id", pa.string())),
)
CUR_INVOICES = LoadedQuery(
    "cur_invoices",
    "raw_cur_delivery_totals",
    f"select distinct billing_period, invoice_id from {RAW_SCHEMA}.raw_cur_delivery_totals "
    "where invoice_id is not null",
    (("billing_period", pa.date32()), ("invoice_id", pa.string())),
)


def _fetch_duckdb(settings: Settings, queries: list[LoadedQuery]) -> dict[str, list[tuple[Any, ...]]]:
    """From the DuckDB file, or on Spark from the raw tables' files read through DuckDB."""
    if settings.target == "spark":
        from cloudcost.warehouse import spark_files_connection

        warehouse = spark_files_connection(settings)
    elif not settings.duckdb_path.exists():
        return {}
    else:
        warehouse = duckdb.connect(str(settings.duckdb_path))
    try:
        present = {
            row[0]
            for row in warehouse.execute(
                "select table_name from information_schema.tables where table_schema = ?", [RAW_SCHEMA]
            ).fetchall()
        }
        return {q.name: warehouse.execute(q.sql).fetchall() for q in queries if q.table in present}
    finally:
        warehouse.close()


def _fetch_postgres(settings: Settings, queries: list[LoadedQuery]) -> dict[str, list[tuple[Any, ...]]]:
    import psycopg2

    from cloudcost.warehouse import ensure_postgres_database

    ensure_postgres_database(settings)
    con = psycopg2.connect(settings.pg_dsn)
    try:
        fetched: dict[str, list[tuple[Any, ...]]] = {}
        with con.cursor() as cur:
            for query in queries:
                cur.execute("select to_regclass(%s)", (f"{RAW_SCHEMA}.{query.table}",))
                found = cur.fetchone()
                if found is None or found[0] is None:
                    continue
                cur.execute(query.sql)
                fetched[query.name] = cur.fetchall()
        return fetched
    finally:
        con.close()


def register_loaded(con: duckdb.DuckDBPyConnection, settings: Settings, queries: list[LoadedQuery]) -> None:
    """Copy the rows the queries select from the warehouse into temp tables of the staging connection."""
    fetch = _fetch_postgres if settings.target == "postgres" else _fetch_duckdb
    fetched = fetch(settings, queries)
    for query in queries:
        rows = fetched.get(query.name, [])
        arrays = [pa.array([row[index] for row in rows], type=kind) for index, (_, kind) in enumerate(query.columns)]
        table = pa.Table.from_arrays(arrays, names=[name for name, _ in query.columns])
        con.register(f"{query.name}_arrow", table)
        con.execute(f"create or replace temp table {query.name} as select * from {query.name}_arrow")
        con.unregister(f"{query.name}_arrow")


def _after_load_sql(staged: str | None, loaded: str, columns: str, period: str) -> str:
    """Rows the warehouse will hold: the staged ones, and the loaded ones of periods the load keeps."""
    if staged is None:
        return f"select {columns}, false as is_staged from {loaded}"
    return (
        f"select {columns}, true as is_staged from {staged} "
        f"union all select {columns}, false as is_staged from {loaded} "
        f"where {period} not in (select {period} from {staged})"
    )


def check_ledger_currency(con: duckdb.DuckDBPyConnection, staged: Mapping[str, str]) -> None:
    invoices = _after_load_sql(
        staged.get("invoices"),
        LOADED_INVOICES.name,
        "invoice_id, billing_period, currency, source_file, source_line",
        "billing_period",
    )
    ledger = _after_load_sql(
        staged.get("general_ledger"),
        LOADED_LEDGER.name,
        "period, invoice_reference, currency, source_file, source_line",
        "period",
    )
    found = con.execute(
        f"with invoices as ({invoices}), ledger as ({ledger}) "
        "select ledger.is_staged, ledger.source_file, ledger.source_line, ledger.currency, ledger.invoice_reference, "
        "invoices.currency, invoices.source_file, invoices.source_line "
        "from ledger inner join invoices on ledger.invoice_reference = invoices.invoice_id "
        "where ledger.currency <> invoices.currency and (ledger.is_staged or invoices.is_staged) "
        "order by not ledger.is_staged, ledger.source_file, ledger.source_line limit 1"
    ).fetchone()
    if found is None:
        return
    ledger_staged, ledger_file, ledger_line, ledger_currency, invoice_id, invoice_currency, invoice_file, line = found
    rule = "the reconciliation compares an invoice with its ledger lines as they are and never converts currencies"
    if ledger_staged:
        raise FinanceLoadError(
            f"the ledger line posts invoice {invoice_id} in {ledger_currency}, but the invoice is in "
            f"{invoice_currency} ({invoice_file} line {line})",
            file=ledger_file,
            line=ledger_line,
            column="currency",
            value=ledger_currency,
            fix=f"Post the ledger lines of an AWS invoice in the invoice's currency ({invoice_currency}), the "
            f"amounts the invoice shows: {rule}.",
        )
    raise FinanceLoadError(
        f"invoice {invoice_id} is in {invoice_currency}, but the general ledger already loaded posts it in "
        f"{ledger_currency} ({ledger_file} line {ledger_line})",
        file=invoice_file,
        line=line,
        column="currency",
        value=invoice_currency,
        fix=f"Correct the invoice's currency, or reload the ledger with the invoice posted in {invoice_currency}: "
        f"{rule}.",
    )


def check_sign_off_deliveries(con: duckdb.DuckDBPyConnection, sign_offs: str) -> None:
    found = con.execute(
        "select source_file, source_line, delivery_id, billing_period, payer_account_id "
        f"from {sign_offs} as sign_offs where delivery_id is not null and not exists ("
        "select 1 from loaded_deliveries as deliveries where deliveries.delivery_id = sign_offs.delivery_id "
        "and deliveries.billing_period = sign_offs.billing_period and (sign_offs.payer_account_id is null "
        "or deliveries.payer_account_id = sign_offs.payer_account_id)) order by 1, 2 limit 1"
    ).fetchone()
    if found is None:
        return
    source_file, line, delivery_id, billing_period, payer = found
    period = f"{billing_period:%Y-%m}"
    delivered_as = [
        f"{row[0]:%Y-%m} payer {row[1]}"
        for row in con.execute(
            "select distinct billing_period, payer_account_id from loaded_deliveries where delivery_id = ? "
            "order by all",
            [delivery_id],
        ).fetchall()
    ]
    known = [
        row[0]
        for row in con.execute(
            "select distinct delivery_id from loaded_deliveries where billing_period = ? "
            "and (? is null or payer_account_id = ?) order by 1",
            [billing_period, payer, payer],
        ).fetchall()
    ]
    signed = f"{period} payer {payer}" if payer else period
    if delivered_as:
        reason = f"the sign-off of {signed} names CUR delivery {delivery_id}, a delivery of {', '.join(delivered_as)}"
    else:
        reason = f"the sign-off of {signed} names CUR delivery {delivery_id}, which is not loaded"
    raise FinanceLoadError(
        reason,
        file=source_file,
        line=line,
        column="delivery_id",
        fix=f"Sign off a delivery of {signed} listed in raw.raw_cur_deliveries (loaded: "
        f"{', '.join(known) or 'none'}), or load that delivery's CUR first.",
    )


def check_sign_off_invoices(con: duckdb.DuckDBPyConnection, staged: Mapping[str, str]) -> None:
    invoices = _after_load_sql(
        staged.get("invoices"), LOADED_INVOICES.name, "invoice_id, billing_period", "billing_period"
    )
    found = con.execute(
        f"with known as ({invoices} union all select invoice_id, billing_period, false from cur_invoices) "
        "select source_file, source_line, invoice_id, strftime(billing_period, '%Y-%m') "
        f"from {staged['sign_offs']} as sign_offs where invoice_id is not null and not exists ("
        "select 1 from known where known.invoice_id = sign_offs.invoice_id "
        "and known.billing_period = sign_offs.billing_period) order by 1, 2 limit 1"
    ).fetchone()
    if found is None:
        return
    source_file, line, invoice_id, period = found
    raise FinanceLoadError(
        f"the sign-off names invoice {invoice_id}, which neither the invoices nor the CUR of {period} hold",
        file=source_file,
        line=line,
        column="invoice_id",
        fix="Check the invoice id and the period, or load the invoice file first.",
    )


def check_against_warehouse(con: duckdb.DuckDBPyConnection, settings: Settings, staged: Mapping[str, str]) -> None:
    """Raise ``FinanceLoadError`` when staged rows contradict each other or what is already loaded."""
    checks_currency = "invoices" in staged or "general_ledger" in staged
    checks_sign_offs = "sign_offs" in staged
    queries: list[LoadedQuery] = []
    if checks_currency or checks_sign_offs:
        queries.append(LOADED_INVOICES)
    if checks_currency:
        queries.append(LOADED_LEDGER)
    if checks_sign_offs:
        queries += [LOADED_DELIVERIES, CUR_INVOICES]
    if not queries:
        return
    register_loaded(con, settings, queries)
    if checks_currency:
        check_ledger_currency(con, staged)
    if checks_sign_offs:
        check_sign_off_deliveries(con, staged["sign_offs"])
        check_sign_off_invoices(con, staged)
