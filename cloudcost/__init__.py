"""cloudcost: AWS Cost and Usage Report files to a tested, documented dbt semantic layer."""

__version__ = "0.1.0"
