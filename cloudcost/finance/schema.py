"""The finance files ``cloudcost load-finance`` reads and the raw tables it writes them to.

Each kind of file is recognised by its header (the names in ``file_column``); extra columns are ignored.
Values are checked by kind before anything is written:

* ``text``: free text; ``id``: an identifier kept as text (leading zeros stay);
* ``period``: a month, written ``YYYY-MM`` or ``YYYY-MM-01``; stored as the first day of the month;
* ``date``: ``YYYY-MM-DD``;
* ``money`` / ``number``: a plain decimal number (``-1234.56``; no thousands separators or symbols);
* ``currency``: a three-letter ISO code (``USD``).

Invoices and general-ledger lines may carry an ``exchange_rate``: units of their currency per one unit of the
CUR's currency (an invoice in EUR for a USD CUR prints e.g. ``0.9214``; a ledger line gives the rate the
accounts used to book it). Reconciliation converts the CUR with the invoice's rate; the ledger's own rate
gives the ``fx`` reconciling item.

Every raw row also records the file it came from (``source_file``), its line in that file
(``source_line``, the header is line 1) and when it was loaded (``loaded_at``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ValueKind = Literal["text", "id", "period", "date", "money", "number", "currency"]
SqlType = Literal["varchar", "double", "date", "timestamp", "bigint"]

KIND_SQL_TYPE: dict[ValueKind, SqlType] = {
    "text": "varchar",
    "id": "varchar",
    "period": "date",
    "date": "date",
    "money": "double",
    "number": "double",
    "currency": "varchar",
}

SQL_TYPES: dict[str, dict[SqlType, str]] = {
    "duckdb": {
        "varchar": "VARCHAR",
        "double": "DOUBLE",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "bigint": "BIGINT",
    },
    "postgres": {
        "varchar": "TEXT",
        "double": "DOUBLE PRECISION",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "bigint": "BIGINT",
    },
}


@dataclass(frozen=True)
class FinanceColumn:
    file_column: str
    name: str
    kind: ValueKind
    in_file: bool = True
    """the header must have this column (False: optional column, NULL when absent)"""
    nullable: bool = False
    """empty values are allowed (stored as NULL)"""

    @property
    def sql_type(self) -> SqlType:
        return KIND_SQL_TYPE[self.kind]


@dataclass(frozen=True)
class FinanceFileKind:
    name: str
    table: str
    columns: tuple[FinanceColumn, ...]
    unique_key: tuple[str, ...]
    """raw columns that identify a row; a repeated key is an error"""
    replace_key: tuple[str, ...]
    """rows already loaded with the same values of these columns are replaced; () replaces the table"""
    description: str

    @property
    def required_headers(self) -> frozenset[str]:
        return frozenset(c.file_column for c in self.columns if c.in_file)


LINEAGE_COLUMNS: tuple[tuple[str, SqlType], ...] = (
    ("source_file", "varchar"),
    ("source_line", "bigint"),
    ("loaded_at", "timestamp"),
)

INVOICES = FinanceFileKind(
    name="invoices",
    table="raw_finance_invoices",
    columns=(
        FinanceColumn("invoice_id", "invoice_id", "id"),
        FinanceColumn("billing_period", "billing_period", "period"),
        FinanceColumn("billing_entity", "billing_entity", "text"),
        FinanceColumn("invoicing_entity", "invoicing_entity", "text", in_file=False, nullable=True),
        FinanceColumn("payer_account_id", "payer_account_id", "id", in_file=False, nullable=True),
        FinanceColumn("currency", "currency", "currency"),
        FinanceColumn("amount_before_tax", "amount_before_tax", "money"),
        FinanceColumn("tax", "tax", "money"),
        FinanceColumn("total", "total", "money"),
        FinanceColumn("issue_date", "issue_date", "date"),
        FinanceColumn("exchange_rate", "exchange_rate", "number", in_file=False, nullable=True),
    ),
    unique_key=("invoice_id", "billing_entity"),
    replace_key=("billing_period",),
    description="AWS invoices (and credit memos) as the billing console or the Invoice API lists them",
)

GENERAL_LEDGER = FinanceFileKind(
    name="general_ledger",
    table="raw_finance_general_ledger",
    columns=(
        FinanceColumn("period", "period", "period"),
        FinanceColumn("posting_date", "posting_date", "date"),
        FinanceColumn("gl_account", "gl_account", "id"),
        FinanceColumn("vendor", "vendor", "text"),
        FinanceColumn("invoice_reference", "invoice_reference", "id", nullable=True),
        FinanceColumn("amount", "amount", "money"),
        FinanceColumn("currency", "currency", "currency"),
        FinanceColumn("memo", "memo", "text", in_file=False, nullable=True),
        FinanceColumn("exchange_rate", "exchange_rate", "number", in_file=False, nullable=True),
    ),
    unique_key=(),
    replace_key=("period",),
    description="general-ledger lines of the AWS vendor (an export of the accounting system)",
)

BUSINESS_VOLUMES = FinanceFileKind(
    name="business_volumes",
    table="raw_finance_business_volumes",
    columns=(
        FinanceColumn("date", "volume_date", "date"),
        FinanceColumn("metric_name", "metric_name", "text"),
        FinanceColumn("value", "value", "number"),
    ),
    unique_key=("volume_date", "metric_name"),
    replace_key=("volume_date", "metric_name"),
    description="daily business volumes (e.g. payments) for unit costs",
)

CLOSE_CALENDAR = FinanceFileKind(
    name="close_calendar",
    table="raw_finance_close_calendar",
    columns=(
        FinanceColumn("period", "billing_period", "period"),
        FinanceColumn("closed_on", "closed_on", "date"),
    ),
    unique_key=("billing_period",),
    replace_key=("billing_period",),
    description="the day Finance closed the books of each billing period",
)

SIGN_OFFS = FinanceFileKind(
    name="sign_offs",
    table="raw_finance_sign_offs",
    columns=(
        FinanceColumn("period", "billing_period", "period"),
        FinanceColumn("payer_account_id", "payer_account_id", "id", in_file=False, nullable=True),
        FinanceColumn("invoice_id", "invoice_id", "id", in_file=False, nullable=True),
        FinanceColumn("billing_entity", "billing_entity", "text", in_file=False, nullable=True),
        FinanceColumn("delivery_id", "delivery_id", "id", nullable=True),
        FinanceColumn("signed_off_by", "signed_off_by", "text"),
        FinanceColumn("signed_off_on", "signed_off_on", "date"),
        FinanceColumn("note", "note", "text", in_file=False, nullable=True),
    ),
    unique_key=("billing_period", "payer_account_id", "invoice_id", "billing_entity", "delivery_id"),
    replace_key=(),
    description="sign-offs of reconciled (or knowingly accepted) periods, each for one CUR delivery",
)

FILE_KINDS: tuple[FinanceFileKind, ...] = (
    INVOICES,
    GENERAL_LEDGER,
    BUSINESS_VOLUMES,
    CLOSE_CALENDAR,
    SIGN_OFFS,
)


def raw_columns(kind: FinanceFileKind) -> list[tuple[str, SqlType]]:
    """The raw table's columns, in order: the file's columns, then the lineage columns."""
    return [(c.name, c.sql_type) for c in kind.columns] + list(LINEAGE_COLUMNS)


def create_table_sql(engine: str, schema: str, kind: FinanceFileKind) -> str:
    types = SQL_TYPES[engine]
    columns = ",\n  ".join(f"{name} {types[sql_type]}" for name, sql_type in raw_columns(kind))
    create = f"create table if not exists {schema}.{kind.table} (\n  {columns}\n)"
    # a table written by an earlier version gains the optional columns added since (e.g. exchange_rate)
    added = [
        f"alter table {schema}.{kind.table} add column if not exists {name} {types[sql_type]}"
        for name, sql_type in raw_columns(kind)
    ]
    return ";\n".join([create, *added])
