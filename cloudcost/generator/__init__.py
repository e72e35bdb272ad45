"""Synthetic AWS Cost and Usage Report (CUR) history of a mid-size company, deterministic per seed.

``cloudcost generate`` writes, under ``--out`` (default ``sample-data``)::

    OUT/generation.json                         every delivery, in delivery order (schema below)
    OUT/<report>/...                            the CUR deliveries, in AWS's own layout for the format:
      legacy_csv      acme-cur-csv/<yyyymmdd>-<yyyymmdd>/<assembly-id>/acme-cur-csv-00001.csv.gz
      legacy_parquet  acme-cur-parquet/<yyyymmdd>-<yyyymmdd>/<assembly-id>/acme-cur-parquet-00001.snappy.parquet
                      (each assembly folder also holds <report>-Manifest.json; the period folder holds a copy
                      of the latest delivery's manifest, as AWS does)
      cur2_parquet    acme-cur2/data/BILLING_PERIOD=<yyyy-mm>/<yyyymmddThhmmssZ>-<execution-id>/
                          acme-cur2-00001.snappy.parquet
                      acme-cur2/metadata/BILLING_PERIOD=<yyyy-mm>/<same folder>/acme-cur2-Manifest.json
    OUT/finance/invoices.csv, general_ledger.csv, business_volumes.csv, close_calendar.csv
    OUT/sign_offs/sign_offs.csv                 the controller's sign-offs of the deliberate exceptions
    OUT/forecasts/usage_forecasts.csv, finance_forecasts.csv
    OUT/company/                                the demo company's folder (cloudcost.yml, mappings, targets):
                                                pass it as --company (cloudcost demo does)

Each *delivery* of a billing period is its own folder (a delivery larger than a million lines is split into
``-00002``… files inside it). Deliveries of one period: weekly ``month_to_date`` ones while it is open (data
before the 8th, 15th, 22nd, 29th; for the open month and, with ``--month-to-date``, the two months before
it), one ``final`` delivered on the 3rd of the next month with invoice ids, and for one closed month a
``restated`` one delivered after the books closed (a late credit). Month-to-date deliveries have empty
``bill_invoice_id``. Reading ``BILLING_PERIOD=…`` folders with DuckDB adds a hive partition column unless
``hive_partitioning = false``.

``generation.json`` (``schema_version`` 1) holds:

* ``parameters`` (seed, rows, months, start, format, restate, month_to_date, granularity, rows_per_file),
  ``format``, ``report_name``, ``time_granularity`` (DAILY | HOURLY), ``payer_account_id``, ``currency``,
  ``scale``;
* ``window``: ``first_period``, ``last_period``, ``open_period``, ``data_end`` (exclusive) and ``periods``
  (billing_period, start, end, data_end, is_open, closed_on);
* ``deliveries``: in delivery order, each with ``sequence``, ``delivery_id`` (assembly / execution id),
  ``billing_period`` (YYYY-MM), ``kind`` (month_to_date | final | restated), ``delivered_on``,
  ``delivered_at``, ``as_of`` (exclusive end of the usage it holds), ``data_through``, ``invoiced``,
  ``latest`` (newest delivery of its period), ``supersedes`` (previous delivery id of the period or null),
  ``path`` (the delivery folder, relative to OUT), ``files``, ``manifest``, ``row_count`` and ``totals``
  (``unblended_cost``, ``public_on_demand_cost``, ``by_invoice`` [invoice_id, invoice_key, billing_entity,
  bill_type, unblended_cost, tax], ``by_line_item_type``);
* ``discrepancies``: the deliberate finance exceptions (credit_memo_next_period,
  marketplace_invoice_missing_from_ledger, rounding_difference_under_tolerance, restatement_after_close) with
  billing_period, invoice_id, amounts and the expected reconciliation status;
* ``sign_offs``: the rows of ``sign_offs/sign_offs.csv``, one per deliberate exception that would fail its
  closed period (credit memo, missing Marketplace invoice, restatement after close): ``kind`` (the
  discrepancy), ``period``, ``payer_account_id``, ``invoice_id``, ``billing_entity``, ``delivery_id`` (the
  loader's content fingerprint of the period's latest delivery, as ``cloudcost load`` computes it),
  ``generator_delivery_id`` (that delivery's ``delivery_id`` above), ``signed_off_by``, ``signed_off_on``,
  ``note``. ``finance/`` alone fails the closed-period check by design; ``finance/`` and ``sign_offs/``
  together pass it, the exceptions still listed and signed off;
* ``scenarios``: ri_floor (family, floor units, purchase), commitments (every reservation and Savings Plan),
  step_changes, idle_nat_gateways, gp2_volumes, marketplace_product_code;
* ``company``: accounts (12-digit string ids, default team, business unit), teams, host_types (team,
  functional_group, tagging, asg_name), tag_keys, business_metrics;
* ``files`` (finance, sign-off and forecast CSVs, relative to OUT), ``forecasts`` (row counts), ``owned_paths`` (what a
  later run into the same OUT replaces).

What the company is lives in data files under ``data/``, read by small functions of the module named:
``catalog.yml`` (regions, instance families, list prices: catalog.py), ``company.yml`` (accounts, teams,
host types, fleets, contract terms: company.py), ``streams.yml`` (storage, network, serverless, monitoring
and Marketplace resources, as templates and placements: streams.py, stream_specs.py) and
``commitments.yml`` (reservations and Savings Plans: commitments.py) and ``billing.yml`` (credits and
refunds: charges.py). The random draws follow the files'
order, so editing one changes every generation; the code writes the CUR from them.

Load "everything current" with :func:`latest_deliveries`; replay "what the CUR held on day D" with
:func:`deliveries_as_of`.
"""

from .company_folder import demo_company_dir
from .deliveries import (
    FINANCE_FILES,
    FORECAST_FILES,
    Delivery,
    deliveries,
    deliveries_as_of,
    generated_files,
    latest_deliveries,
    read_generation,
)
from .engine import Options, Result, generate

__all__ = [
    "demo_company_dir",
    "FINANCE_FILES",
    "FORECAST_FILES",
    "Delivery",
    "Options",
    "Result",
    "deliveries",
    "deliveries_as_of",
    "generate",
    "generated_files",
    "latest_deliveries",
    "read_generation",
]
