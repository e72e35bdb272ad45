"""Synthetic AWS Cost and Usage Report (CUR) history of a mid-size company, deterministic per seed.

``cloudcost generate`` writes, under ``--out`` (default ``sample-data``)::

    OUT/generation.json                       every delivery in delivery order (see below)
    OUT/<report>/...                          the CUR deliveries, in AWS's own layout for the format:
        legacy_csv      OUT/acme-cur-csv/<yyyymmdd>-<yyyymmdd>/<assembly-id>/acme-cur-csv-00001.csv.gz
        legacy_parquet  OUT/acme-cur-parquet/<yyyymmdd>-<yyyymmdd>/<assembly-id>/acme-cur-parquet-00001.snappy.parquet
                        (each assembly folder also holds <report>-Manifest.json; the period folder holds a
                        copy of the latest delivery's manifest, as AWS does)
        cur2_parquet    OUT/acme-cur2/data/BILLING_PERIOD=<yyyy-mm>/<yyyymmddThhmmssZ>-<execution-id>/
                            acme-cur2-00001.snappy.parquet
                        OUT/acme-cur2/metadata/BILLING_PERIOD=<yyyy-mm>/<same folder>/acme-cur2-Manifest.json
    OUT/finance/invoices.csv, general_ledger.csv, business_volumes.csv, close_calendar.csv
    OUT/forecasts/usage_forecasts.csv, finance_forecasts.csv

Every *delivery* of a billing period is its own folder. ``generation.json`` lists them in delivery order
with, for each: ``sequence``, ``delivery_id`` (assembly/execution id), ``billing_period`` (YYYY-MM),
``kind`` (``month_to_date`` | ``final`` | ``restated``), ``delivered_on`` and ``as_of`` (exclusive end of
the usage it holds), ``latest`` (newest of its period), ``supersedes``, ``path`` (the folder, relative to
OUT), ``files``, ``manifest``, ``row_count`` and ``totals`` (Σ unblended, Σ public on-demand, per invoice and
per line item type). Month-to-date deliveries carry no invoice ids; final and restated ones do.

Load "everything current" with :func:`latest_deliveries`; replay "what the CUR held on day D" with
:func:`deliveries_as_of`.
"""

from .deliveries import Delivery, deliveries, deliveries_as_of, latest_deliveries, read_generation
from .engine import Options, Result, generate

__all__ = [
    "Delivery",
    "Options",
    "Result",
    "deliveries",
    "deliveries_as_of",
    "generate",
    "latest_deliveries",
    "read_generation",
]
