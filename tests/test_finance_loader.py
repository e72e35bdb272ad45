"""cloudcost load-finance: every value checked first (errors name file, line, column), then an atomic load
that replaces what the files cover."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from cloudcost.finance import FinanceLoadError, load_finance_paths
from cloudcost.finance.command import load_finance
from cloudcost.finance.schema import FILE_KINDS
from cloudcost.loader import load_paths
from cloudcost.settings import Settings

INVOICE_HEADER = (
    "invoice_id,billing_period,billing_entity,invoicing_entity,currency,amount_before_tax,tax,total,issue_date"
)
LEDGER_HEADER = "period,posting_date,gl_account,vendor,invoice_reference,amount,currency,memo"
CUR_TABLES = {"raw_cur_line_items", "raw_cur_deliveries", "raw_cur_delivery_totals"}


def write(folder: Path, name: str, *lines: str) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    return path


def rows(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def raw_tables(settings: Settings) -> set[str]:
    if not settings.duckdb_path.exists():
        return set()
    return {
        row[0] for row in rows(settings, "select table_name from information_schema.tables where table_schema = 'raw'")
    }


@pytest.fixture
def invoices(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        "invoices.csv",
        INVOICE_HEADER,
        'INV-1,2024-03,AWS,"Amazon Web Services, Inc.",USD,100.00,8.00,108.00,2024-04-02',
        "INV-2,2024-03-01,AWS Marketplace,,USD,40.00,0.00,40.00,2024-04-02",
    )


def test_loads_invoices_typed_with_their_lineage(duckdb_settings: Settings, invoices: Path) -> None:
    report = load_finance_paths([invoices], duckdb_settings)
    assert [(f.kind, f.row_count) for f in report.files] == [("invoices", 2)]
    loaded = rows(
        duckdb_settings,
        "select invoice_id, cast(billing_period as varchar), billing_entity, invoicing_entity, total, "
        "source_line from raw.raw_finance_invoices order by invoice_id",
    )
    assert loaded == [
        ("INV-1", "2024-03-01", "AWS", "Amazon Web Services, Inc.", 108.0, 2),
        ("INV-2", "2024-03-01", "AWS Marketplace", None, 40.0, 3),
    ]


def test_reloading_is_a_no_op_and_a_new_file_replaces_only_its_periods(
    duckdb_settings: Settings, invoices: Path, tmp_path: Path
) -> None:
    load_finance_paths([invoices], duckdb_settings)
    load_finance_paths([invoices], duckdb_settings)
    assert rows(duckdb_settings, "select count(*) from raw.raw_finance_invoices") == [(2,)]
    april = write(
        tmp_path,
        "april.csv",
        INVOICE_HEADER,
        "INV-3,2024-04,AWS,,USD,10,0,10,2024-05-02",
    )
    load_finance_paths([april], duckdb_settings)
    march_again = write(
        tmp_path,
        "march.csv",
        INVOICE_HEADER,
        "INV-1,2024-03,AWS,,USD,100.00,8.00,108.00,2024-04-02",
    )
    load_finance_paths([march_again], duckdb_settings)
    assert rows(duckdb_settings, "select invoice_id from raw.raw_finance_invoices order by 1") == [
        ("INV-1",),
        ("INV-3",),
    ]


def loaded_delivery(settings: Settings, cur_fixtures_dir: Path) -> str:
    """Load the trimmed CUR 2.0 fixture (billing period 2026-04) and return its delivery id."""
    load_paths([cur_fixtures_dir / "cur2-2026-04-trimmed.csv"], settings, progress=False)
    [(delivery_id,)] = rows(settings, "select delivery_id from raw.raw_cur_deliveries")
    return str(delivery_id)


def test_a_folder_loads_every_kind(duckdb_settings: Settings, tmp_path: Path, cur_fixtures_dir: Path) -> None:
    delivery_id = loaded_delivery(duckdb_settings, cur_fixtures_dir)
    folder = tmp_path / "finance"
    folder.mkdir()
    write(folder, "invoices.csv", INVOICE_HEADER, "INV-1,2024-03,AWS,,USD,100,8,108,2024-04-02")
    write(folder, "general_ledger.csv", LEDGER_HEADER, "2024-03,2024-04-03,6105,AWS,INV-1,108,USD,")
    write(folder, "business_volumes.csv", "date,metric_name,value", "2024-03-01,payments,12000")
    write(folder, "close_calendar.csv", "period,closed_on", "2024-03,2024-04-05")
    write(
        folder,
        "sign_offs.csv",
        "period,delivery_id,signed_off_by,signed_off_on,note",
        f"2026-04,{delivery_id},ana,2026-05-06,reconciled",
    )
    report = load_finance_paths([folder], duckdb_settings)
    assert sorted(f.kind for f in report.files) == sorted(kind.name for kind in FILE_KINDS)
    assert raw_tables(duckdb_settings) == {kind.table for kind in FILE_KINDS} | CUR_TABLES
    assert rows(duckdb_settings, "select invoice_reference, memo from raw.raw_finance_general_ledger") == [
        ("INV-1", None)
    ]
    assert rows(duckdb_settings, "select metric_name, value from raw.raw_finance_business_volumes") == [
        ("payments", 12000.0)
    ]


def test_a_sign_off_file_replaces_the_whole_register(
    duckdb_settings: Settings, tmp_path: Path, cur_fixtures_dir: Path
) -> None:
    delivery_id = loaded_delivery(duckdb_settings, cur_fixtures_dir)
    header = "period,delivery_id,signed_off_by,signed_off_on"
    load_finance_paths(
        [write(tmp_path, "a.csv", header, f"2026-04,{delivery_id},ana,2026-05-07", "2026-03,,ana,2026-04-06")],
        duckdb_settings,
    )
    load_finance_paths([write(tmp_path, "b.csv", header, "2026-03,,bo,2026-05-01")], duckdb_settings)
    assert rows(duckdb_settings, "select delivery_id, signed_off_by from raw.raw_finance_sign_offs") == [(None, "bo")]


@pytest.mark.parametrize(
    ("sign_off", "message"),
    [
        (
            "2026-04,0123abcd,ana,2026-05-07",
            "line 2, column delivery_id: the sign-off of 2026-04 names CUR delivery 0123abcd, which is not loaded",
        ),
        (
            "2026-03,{delivery_id},ana,2026-05-07",
            "the sign-off of 2026-03 names CUR delivery {delivery_id}, a delivery of 2026-04 payer",
        ),
    ],
    ids=["unknown-delivery", "delivery-of-another-period"],
)
def test_a_sign_off_must_name_a_loaded_delivery_of_its_period(
    duckdb_settings: Settings, tmp_path: Path, cur_fixtures_dir: Path, sign_off: str, message: str
) -> None:
    delivery_id = loaded_delivery(duckdb_settings, cur_fixtures_dir)
    path = write(
        tmp_path,
        "sign_offs.csv",
        "period,delivery_id,signed_off_by,signed_off_on",
        sign_off.format(delivery_id=delivery_id),
    )
    with pytest.raises(FinanceLoadError) as raised:
        load_finance_paths([path], duckdb_settings)
    assert message.format(delivery_id=delivery_id) in raised.value.format_message()
    assert f"(loaded: {delivery_id})" in raised.value.format_message() or "2026-03" in sign_off
    assert "raw_finance_sign_offs" not in raw_tables(duckdb_settings)


def test_a_ledger_line_in_another_currency_than_its_invoice_is_refused_in_either_load_order(
    duckdb_settings: Settings, invoices: Path, tmp_path: Path
) -> None:
    euro_ledger = write(tmp_path, "ledger.csv", LEDGER_HEADER, "2024-03,2024-04-03,6105,AWS,INV-1,99.50,EUR,")
    with pytest.raises(FinanceLoadError) as together:
        load_finance_paths([invoices, euro_ledger], duckdb_settings)
    assert (
        "ledger.csv, line 2, column currency, value 'EUR': the ledger line posts invoice INV-1 in EUR, but the "
        "invoice is in USD"
    ) in together.value.format_message()
    load_finance_paths([euro_ledger], duckdb_settings)  # alone it is a ledger line of an unknown invoice
    with pytest.raises(FinanceLoadError) as later:
        load_finance_paths([invoices], duckdb_settings)
    assert "invoices.csv, line 2, column currency, value 'USD': invoice INV-1 is in USD, but the general ledger" in (
        later.value.format_message()
    )
    assert "raw_finance_invoices" not in raw_tables(duckdb_settings)


@pytest.mark.parametrize(
    ("name", "lines", "message"),
    [
        (
            "invoices.csv",
            [INVOICE_HEADER, "INV-1,2024-03,AWS,,USD,100,8,1O8.00,2024-04-02"],
            "line 2, column total, value '1O8.00': not an amount",
        ),
        (
            "invoices.csv",
            [INVOICE_HEADER, "INV-1,2024-03,AWS,,USD,100,8,108,2024-04-02", "INV-2,2024/03,AWS,,USD,1,0,1,2024-04-02"],
            "line 3, column billing_period, value '2024/03': not a month",
        ),
        (
            "invoices.csv",
            [INVOICE_HEADER, "INV-1,2024-03,AWS,,usd,100,8,108,2024-04-02"],
            "line 2, column currency, value 'usd': not a currency code",
        ),
        (
            "invoices.csv",
            [INVOICE_HEADER, "INV-1,2024-03,AWS,,USD,100,8,108,02/04/2024"],
            "line 2, column issue_date, value '02/04/2024': not a date",
        ),
        (
            "invoices.csv",
            [INVOICE_HEADER, ",2024-03,AWS,,USD,100,8,108,2024-04-02"],
            "line 2, column invoice_id: a value is required",
        ),
        (
            "invoices.csv",
            [INVOICE_HEADER, "INV-1,2024-03,AWS,,USD,100,8,109,2024-04-02"],
            "line 2, column total: invoice INV-1 has total 109.0 but amount_before_tax + tax = 100.0 + 8.0",
        ),
        (
            "invoices.csv",
            [INVOICE_HEADER, "INV-1,2024-03,AWS,,USD,100,8,108,2024-04-02", "INV-1,2024-03,AWS,,USD,1,0,1,2024-04-02"],
            "invoices.csv, line 3: repeats the invoices row of line 2 (invoice_id='INV-1', billing_entity='AWS')",
        ),
        (
            "invoices.csv",
            [
                INVOICE_HEADER,
                "INV-1,2024-03,AWS,,USD,100,8,108,2024-04-02",
                "INV-1,2024-04,AWS Marketplace,,USD,1,0,1,2024-05-02",
            ],
            "invoice INV-1 appears in several billing periods (2024-03, 2024-04)",
        ),
        (
            "close_calendar.csv",
            ["period,closed_on", "2024-03,2024-03-28"],
            "line 2, column closed_on: 2024-03-28 is before the end of period 2024-03",
        ),
        (
            "volumes.csv",
            ["date,metric_name,value", "2024-03-01,payments,-5"],
            "line 2, column value, value -5.0: is negative",
        ),
        (
            "invoices.csv",
            [
                "invoice_id,billing_period,billing_entity,currency,amount_before_tax,tax,issue_date",
                "INV-1,2024-03,AWS,USD,1,0,2024-04-02",
            ],
            "not a known finance file. Closest is invoices, which lacks column(s) total",
        ),
        ("invoices.csv", [INVOICE_HEADER], "has a header but no rows"),
        (
            "invoices.csv",
            [INVOICE_HEADER + ",exchange_rate", "INV-1,2024-03,AWS,,EUR,100,8,108,2024-04-02,0"],
            "line 2, column exchange_rate, value 0.0: is not a positive exchange rate",
        ),
    ],
    ids=[
        "not-a-number",
        "bad-month",
        "lower-case-currency",
        "bad-date",
        "missing-id",
        "total-not-sum",
        "duplicate-invoice",
        "invoice-in-two-periods",
        "closed-before-month-end",
        "negative-volume",
        "missing-column",
        "no-rows",
        "zero-exchange-rate",
    ],
)
def test_bad_files_are_refused_naming_the_problem_and_nothing_is_written(
    duckdb_settings: Settings, tmp_path: Path, name: str, lines: list[str], message: str
) -> None:
    good = write(tmp_path, "good_ledger.csv", LEDGER_HEADER, "2024-03,2024-04-03,6105,AWS,INV-1,108,USD,")
    bad = write(tmp_path, name, *lines)
    with pytest.raises(FinanceLoadError) as raised:
        load_finance_paths([good, bad], duckdb_settings)
    assert message in raised.value.format_message()
    assert "Nothing was loaded." in raised.value.format_message()
    assert raw_tables(duckdb_settings) == set()


def test_an_empty_file_is_refused(duckdb_settings: Settings, tmp_path: Path) -> None:
    empty = tmp_path / "invoices.csv"
    empty.write_text("")
    with pytest.raises(FinanceLoadError, match="the file is empty"):
        load_finance_paths([empty], duckdb_settings)


def test_a_failed_load_leaves_earlier_loads_unchanged(
    duckdb_settings: Settings, invoices: Path, tmp_path: Path
) -> None:
    load_finance_paths([invoices], duckdb_settings)
    before = rows(duckdb_settings, "select * exclude (loaded_at) from raw.raw_finance_invoices order by all")
    bad = write(tmp_path, "bad.csv", INVOICE_HEADER, "INV-9,2024-03,AWS,,USD,1,0,x,2024-04-02")
    with pytest.raises(FinanceLoadError):
        load_finance_paths([bad], duckdb_settings)
    after = rows(duckdb_settings, "select * exclude (loaded_at) from raw.raw_finance_invoices order by all")
    assert after == before


def test_the_command_prints_what_it_loaded_and_exits_2_on_errors(
    duckdb_settings: Settings, invoices: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUDCOST_DUCKDB_PATH", str(duckdb_settings.duckdb_path))
    runner = CliRunner()
    loaded = runner.invoke(load_finance, [str(invoices), "--target", "duckdb"])
    assert loaded.exit_code == 0, loaded.output
    assert "invoices" in loaded.output and "2 rows" in loaded.output
    bad = write(tmp_path, "bad.csv", INVOICE_HEADER, "INV-9,2024-13,AWS,,USD,1,0,1,2024-04-02")
    refused = runner.invoke(load_finance, [str(bad), "--target", "duckdb"])
    assert refused.exit_code == 2
    assert "line 2, column billing_period, value '2024-13': not a month" in refused.output


@pytest.mark.postgres
def test_postgres_load_matches_duckdb(
    postgres_database: Callable[[str], Settings],
    duckdb_settings: Settings,
    invoices: Path,
    tmp_path: Path,
) -> None:
    from dbt_harness import reset_postgres_schemas

    settings = postgres_database("cloudcost_test_finance_loader")
    reset_postgres_schemas(settings, ["raw"])
    ledger = write(
        tmp_path,
        "ledger.csv",
        LEDGER_HEADER,
        '2024-03,2024-04-03,6105,"Amazon Web Services",INV-1,108.00,USD,"memo, with a comma"',
        "2024-03,2024-04-03,6105,AWS,,0.5,USD,",
    )
    for target in (settings, duckdb_settings):
        load_finance_paths([invoices, ledger], target)
        load_finance_paths([invoices, ledger], target)
    import psycopg2

    con = psycopg2.connect(settings.pg_dsn)
    try:
        with con.cursor() as cursor:
            cursor.execute(
                "select invoice_id, billing_period, invoicing_entity, total from raw.raw_finance_invoices "
                "order by invoice_id"
            )
            pg_invoices = cursor.fetchall()
            cursor.execute("select invoice_reference, amount, memo from raw.raw_finance_general_ledger order by amount")
            pg_ledger = cursor.fetchall()
    finally:
        con.close()
    assert pg_invoices == rows(
        duckdb_settings,
        "select invoice_id, billing_period, invoicing_entity, total from raw.raw_finance_invoices order by invoice_id",
    )
    assert pg_ledger == [(None, 0.5, None), ("INV-1", 108.0, "memo, with a comma")]


def test_exchange_rates_load_and_an_older_raw_table_gains_the_column(duckdb_settings: Settings, tmp_path: Path) -> None:
    first = write(tmp_path, "invoices.csv", INVOICE_HEADER, "INV-1,2024-03,AWS,,USD,100,8,108,2024-04-02")
    load_finance_paths([first], duckdb_settings)
    con = duckdb.connect(str(duckdb_settings.duckdb_path))
    con.execute("alter table raw.raw_finance_invoices drop column exchange_rate")  # as an earlier version wrote it
    con.close()
    eur = write(
        tmp_path,
        "invoices_eur.csv",
        INVOICE_HEADER + ",exchange_rate",
        "INV-2,2024-04,AWS,,EUR,92.14,0,92.14,2024-05-02,0.9214",
    )
    load_finance_paths([eur], duckdb_settings)
    assert rows(
        duckdb_settings, "select invoice_id, currency, exchange_rate from raw.raw_finance_invoices order by 1"
    ) == [("INV-1", "USD", None), ("INV-2", "EUR", 0.9214)]
