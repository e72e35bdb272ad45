"""`cloudcost export`: a public mart out of the warehouse as CSV or Parquet (``marts.py`` knows the marts)."""
