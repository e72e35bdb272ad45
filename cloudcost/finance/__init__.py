"""Finance inputs for the reconciliation: AWS invoices, general-ledger lines, business volumes,
the period close calendar and sign-offs, loaded from CSV into raw tables (``cloudcost load-finance``)."""

from cloudcost.finance.api import load_finance_paths
from cloudcost.finance.errors import FinanceLoadError
from cloudcost.finance.report import FinanceLoadReport

__all__ = ["FinanceLoadError", "FinanceLoadReport", "load_finance_paths"]
