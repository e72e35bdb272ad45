"""``cloudcost load-finance PATH...``: the command face of :func:`cloudcost.finance.load_finance_paths`."""

from __future__ import annotations

from pathlib import Path

import click

from cloudcost.finance.api import load_finance_paths
from cloudcost.settings import TARGETS, load_settings


@click.command("load-finance")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--target",
    type=click.Choice(TARGETS),
    default=None,
    help="Warehouse to load into (default: CLOUDCOST_TARGET, else duckdb).",
)
def load_finance(paths: tuple[Path, ...], target: str | None) -> None:
    """Load finance CSV files (or folders of them) for the invoice reconciliation and unit costs.

    \b
    Each file's kind is recognised by its header (columns in [brackets] are optional):
      invoices          invoice_id, billing_period, billing_entity, currency,
                        amount_before_tax, tax, total, issue_date
                        [invoicing_entity, payer_account_id]
      general_ledger    period, posting_date, gl_account, vendor, invoice_reference, amount,
                        currency  [memo]
      business_volumes  date, metric_name, value
      close_calendar    period, closed_on
      sign_offs         period, delivery_id, signed_off_by, signed_off_on
                        [payer_account_id, invoice_id, billing_entity, note]

    Periods are YYYY-MM (or YYYY-MM-01), dates YYYY-MM-DD, amounts plain numbers. Every value is checked
    first; an error names the file, line and column and nothing is written. Loading replaces what the
    files cover (invoices and close dates by billing period, ledger lines by period, volumes by date and
    metric, sign-offs as a whole), so loading the same files again changes nothing.
    """
    settings = load_settings(target)
    report = load_finance_paths(list(paths), settings)
    click.echo(report.summary_table())
