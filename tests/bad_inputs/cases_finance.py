"""Bad finance files (``cloudcost load-finance``): invoices, general ledger, business volumes, close calendar,
sign-offs. Periods 2025-01..2025-03 lie before the generated company's CUR, so a case never depends on it;
the baseline adds invoice CORPUS-2501-A (USD) and ledger lines in USD for it and for CORPUS-2501-B."""

from __future__ import annotations

from .collect import BaselineInput
from .model import BadInput
from .writers import bytes_file, csv_line, empty_folder, missing_path, several, text_file

INVOICES = "invoice_id,billing_period,billing_entity,invoicing_entity,currency,amount_before_tax,tax,total,issue_date"
LEDGER = "period,posting_date,gl_account,vendor,invoice_reference,amount,currency,memo"
VOLUMES = "date,metric_name,value"
CLOSE = "period,closed_on"
SIGN_OFFS = "period,payer_account_id,invoice_id,billing_entity,delivery_id,signed_off_by,signed_off_on,note"

GOOD_INVOICE = {
    "invoice_id": "CORPUS-2502-A",
    "billing_period": "2025-02",
    "billing_entity": "AWS",
    "invoicing_entity": "Amazon Web Services, Inc.",
    "currency": "USD",
    "amount_before_tax": "100.00",
    "tax": "8.00",
    "total": "108.00",
    "issue_date": "2025-03-02",
}
GOOD_LEDGER = {
    "period": "2025-02",
    "posting_date": "2025-03-03",
    "gl_account": "6110",
    "vendor": "Amazon Web Services, Inc.",
    "invoice_reference": "CORPUS-2502-A",
    "amount": "108.00",
    "currency": "USD",
    "memo": "AWS invoice",
}


def invoice(**changes: str) -> str:
    """The good invoice line with some fields replaced (by column name)."""
    return csv_line(INVOICES, GOOD_INVOICE, **changes)


def ledger(**changes: str) -> str:
    """The good ledger line with some fields replaced (by column name)."""
    return csv_line(LEDGER, GOOD_LEDGER, **changes)


BASELINE_INPUTS = [
    BaselineInput(
        "finance-known-invoice",
        "finance",
        several(
            text_file("invoices.csv", INVOICES, "CORPUS-2501-A,2025-01,AWS,,USD,50.00,0.00,50.00,2025-02-02"),
            text_file(
                "general_ledger.csv",
                LEDGER,
                "2025-01,2025-02-03,6110,AWS,CORPUS-2501-A,50.00,USD,",
                "2025-01,2025-02-03,6110,AWS,CORPUS-2501-B,20.00,USD,invoice file not received yet",
            ),
        ),
    )
]

CASES = [
    # -- the file itself ----------------------------------------------------------------------------------
    BadInput("finance-empty-file", "finance", bytes_file("invoices.csv", b""), "invoices.csv: the file is empty"),
    BadInput(
        "finance-header-only", "finance", text_file("invoices.csv", INVOICES), "invoices.csv: has a header but no rows"
    ),
    BadInput(
        "finance-unknown-header",
        "finance",
        text_file("export.csv", "Date,Description,Debit,Credit", "2025-01-03,AWS,10.00,"),
        "export.csv, line 1: not a known finance file",
    ),
    BadInput(
        "finance-missing-column",
        "finance",
        text_file(
            "invoices.csv",
            "invoice_id,billing_period,billing_entity,currency,amount_before_tax,tax,issue_date",
            "CORPUS-2502-A,2025-02,AWS,USD,100.00,8.00,2025-03-02",
        ),
        "closest is invoices, which lacks column(s) total",
    ),
    BadInput(
        "finance-duplicate-column",
        "finance",
        text_file("general_ledger.csv", LEDGER + ",amount", ledger() + ",99.00"),
        "line 1, column amount: the header has the column 'amount' twice (columns 6 and 9)",
    ),
    BadInput(
        "finance-extra-field",
        "finance",
        text_file(
            "invoices.csv", INVOICES, invoice().replace('"Amazon Web Services, Inc."', "Amazon Web Services, Inc.")
        ),
        "invoices.csv, line 2: the row has 10 fields, more than the 9 columns of the header",
    ),
    BadInput(
        "finance-missing-field",
        "finance",
        text_file("invoices.csv", INVOICES, invoice(), "CORPUS-2502-B,2025-02,AWS,,USD,1.00,0.00,1.00"),
        "invoices.csv, line 3: the row has 8 fields, fewer than the 9 columns of the header",
    ),
    BadInput(
        "finance-not-utf8",
        "finance",
        text_file("general_ledger.csv", LEDGER, ledger(vendor="Société AWS"), encoding="latin-1"),
        "general_ledger.csv, line 2: is not utf-8 text: byte b'\\xe9'",
    ),
    BadInput(
        "finance-utf16",
        "finance",
        text_file("invoices.csv", INVOICES, invoice(), encoding="utf-16"),
        "invoices.csv, line 1: holds NUL bytes",
    ),
    BadInput(
        "finance-semicolons",
        "finance",
        text_file("invoices.csv", INVOICES.replace(",", ";"), invoice().replace(",", ";")),
        "invoices.csv, line 1: is separated by semicolons, not by commas",
    ),
    BadInput(
        "finance-unclosed-quote",
        "finance",
        text_file("invoices.csv", INVOICES, invoice().replace('Inc."', "Inc.")),
        "invoices.csv, line 2: a quoted field is not closed",
    ),
    BadInput("finance-missing-path", "finance", missing_path("invoices.csv"), "invoices.csv: no such file or folder"),
    BadInput("finance-empty-folder", "finance", empty_folder("finance"), "no CSV file found in"),
    # -- values -------------------------------------------------------------------------------------------
    BadInput(
        "finance-amount-not-a-number",
        "finance",
        text_file("invoices.csv", INVOICES, invoice(total="1O8.00")),
        "line 2, column total, value '1O8.00': not an amount",
    ),
    BadInput(
        "finance-nan-amount",
        "finance",
        text_file("general_ledger.csv", LEDGER, ledger(amount="NaN")),
        "line 2, column amount, value 'NaN': not an amount",
    ),
    BadInput(
        "finance-infinite-tax",
        "finance",
        text_file("invoices.csv", INVOICES, invoice(tax="Infinity")),
        "line 2, column tax, value 'Infinity': not an amount",
    ),
    BadInput(
        "finance-overflowing-amount",
        "finance",
        text_file("invoices.csv", INVOICES, invoice(amount_before_tax="1e999")),
        "line 2, column amount_before_tax, value '1e999': not an amount",
    ),
    BadInput(
        "finance-huge-amount",
        "finance",
        text_file("general_ledger.csv", LEDGER, ledger(amount="1e308")),
        "value '1e308': not an amount (a plain number such as -1234.56, smaller than 1e18 in size",
    ),
    BadInput(
        "finance-nan-volume",
        "finance",
        text_file("business_volumes.csv", VOLUMES, "2025-01-01,payments,1200", "2025-01-02,payments,nan"),
        "line 3, column value, value 'nan': not a number",
    ),
    BadInput(
        "finance-negative-volume",
        "finance",
        text_file("business_volumes.csv", VOLUMES, "2025-01-01,payments,-5"),
        "line 2, column value, value -5.0: is negative",
    ),
    BadInput(
        "finance-bad-month",
        "finance",
        text_file("invoices.csv", INVOICES, invoice(billing_period="2025-13")),
        "line 2, column billing_period, value '2025-13': not a month",
    ),
    BadInput(
        "finance-bad-date",
        "finance",
        text_file("invoices.csv", INVOICES, invoice(issue_date="2025-02-30")),
        "line 2, column issue_date, value '2025-02-30': not a date",
    ),
    BadInput(
        "finance-lower-case-currency",
        "finance",
        text_file("invoices.csv", INVOICES, invoice(currency="usd")),
        "line 2, column currency, value 'usd': not a currency code",
    ),
    BadInput(
        "finance-missing-invoice-id",
        "finance",
        text_file("invoices.csv", INVOICES, invoice(invoice_id="")),
        "line 2, column invoice_id: a value is required",
    ),
    # -- rows against rows --------------------------------------------------------------------------------
    BadInput(
        "finance-duplicate-invoice",
        "finance",
        text_file("invoices.csv", INVOICES, invoice(), invoice(total="108.00")),
        "invoices.csv, line 3: repeats the invoices row of line 2",
    ),
    BadInput(
        "finance-invoice-in-two-periods",
        "finance",
        text_file(
            "invoices.csv",
            INVOICES,
            invoice(),
            invoice(billing_period="2025-03", billing_entity="AWS Marketplace", issue_date="2025-04-02"),
        ),
        "invoice CORPUS-2502-A appears in several billing periods (2025-02, 2025-03)",
    ),
    BadInput(
        "finance-total-not-the-sum",
        "finance",
        text_file("invoices.csv", INVOICES, invoice(total="109.00")),
        "line 2, column total: invoice CORPUS-2502-A has total 109.0 but amount_before_tax + tax = 100.0 + 8.0",
    ),
    BadInput(
        "finance-closed-before-the-period-ends",
        "finance",
        text_file("close_calendar.csv", CLOSE, "2025-03,2025-03-28"),
        "line 2, column closed_on: 2025-03-28 is before the end of period 2025-03",
    ),
    # -- against the invoices and the CUR (issue item 9) ----------------------------------------------------
    BadInput(
        "finance-ledger-currency-differs-from-its-invoice",
        "finance",
        several(
            text_file("invoices.csv", INVOICES, invoice()),
            text_file("general_ledger.csv", LEDGER, ledger(currency="EUR")),
        ),
        "line 2, column currency, value 'EUR': the ledger line posts invoice CORPUS-2502-A in EUR, but the "
        "invoice is in USD",
        why_item=9,
    ),
    BadInput(
        "finance-ledger-currency-differs-from-a-loaded-invoice",
        "finance",
        text_file("general_ledger.csv", LEDGER, "2025-01,2025-02-03,6110,AWS,CORPUS-2501-A,46.30,EUR,"),
        "the ledger line posts invoice CORPUS-2501-A in EUR, but the invoice is in USD",
        why_item=9,
    ),
    BadInput(
        "finance-invoice-currency-differs-from-the-loaded-ledger",
        "finance",
        text_file("invoices.csv", INVOICES, "CORPUS-2501-B,2025-01,AWS,,EUR,18.50,0.00,18.50,2025-02-02"),
        "invoice CORPUS-2501-B is in EUR, but the general ledger already loaded posts it in USD",
        why_item=9,
    ),
    BadInput(
        "finance-sign-off-of-an-unknown-delivery",
        "finance",
        text_file("sign_offs.csv", SIGN_OFFS, "2026-06,,,,0000deadbeef,controller@example.com,2026-07-07,accepted"),
        "line 2, column delivery_id: the sign-off of 2026-06 names CUR delivery 0000deadbeef, which is not loaded",
        why_item=9,
    ),
    BadInput(
        "finance-sign-off-of-an-unknown-invoice",
        "finance",
        text_file("sign_offs.csv", SIGN_OFFS, "2025-01,,NO-SUCH-INVOICE,,,controller@example.com,2025-02-07,"),
        "the sign-off names invoice NO-SUCH-INVOICE, which neither the invoices nor the CUR of 2025-01 hold",
    ),
    BadInput(
        "finance-duplicate-sign-off",
        "finance",
        text_file(
            "sign_offs.csv",
            SIGN_OFFS,
            "2025-01,,CORPUS-2501-A,,,controller@example.com,2025-02-07,",
            "2025-01,,CORPUS-2501-A,,,controller@example.com,2025-02-07,",
        ),
        "sign_offs.csv, line 3: repeats the sign_offs row of line 2",
    ),
]
