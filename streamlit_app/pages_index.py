"""The dashboard's pages, in menu order (shared by the app, its tests and the page benchmark)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    path: str  # relative to streamlit_app/app.py
    title: str
    icon: str
    url_path: str
    marts: tuple[str, ...]
    default: bool = False


PAGES: tuple[PageInfo, ...] = (
    PageInfo(
        "views/overview.py",
        "Overview",
        ":material/dashboard:",
        "overview",
        ("fct_cost_daily", "fct_invoice_reconciliation", "fct_cost_one_off_charges"),
        default=True,
    ),
    PageInfo(
        "views/breakdown.py",
        "Breakdown",
        ":material/stacked_bar_chart:",
        "breakdown",
        ("fct_cost_daily", "fct_cost_resource_monthly", "fct_allocation_key_monthly"),
    ),
    PageInfo(
        "views/cost_layers.py",
        "Cost layers",
        ":material/waterfall_chart:",
        "cost-layers",
        ("fct_cost_daily", "fct_cash_bridge"),
    ),
    PageInfo(
        "views/forecast_accuracy.py",
        "Forecast accuracy",
        ":material/query_stats:",
        "forecast-accuracy",
        ("fct_forecast_accuracy", "fct_forecast_vintages", "fct_itemized_actuals"),
    ),
    PageInfo(
        "views/commitments.py",
        "Commitments",
        ":material/handshake:",
        "commitments",
        ("fct_commitment_coverage", "fct_commitment_utilization", "dim_commitment"),
    ),
    PageInfo(
        "views/reconciliation.py",
        "Invoice reconciliation",
        ":material/receipt_long:",
        "reconciliation",
        ("fct_invoice_reconciliation", "fct_reconciliation_exceptions", "fct_cur_restatements"),
    ),
    PageInfo(
        "views/unit_cost.py",
        "Unit cost",
        ":material/payments:",
        "unit-cost",
        ("fct_unit_cost",),
    ),
    PageInfo(
        "views/opportunities.py",
        "Savings opportunities",
        ":material/trending_down:",
        "savings-opportunities",
        ("fct_savings_opportunities",),
    ),
    PageInfo(
        "views/showback.py",
        "Showback",
        ":material/groups:",
        "showback",
        ("fct_cost_showback",),
    ),
    PageInfo(
        "views/budgets.py",
        "Budgets",
        ":material/account_balance_wallet:",
        "budgets",
        ("fct_budget_status",),
    ),
    PageInfo(
        "views/anomalies.py",
        "Anomalies",
        ":material/crisis_alert:",
        "anomalies",
        ("fct_cost_anomalies", "fct_cost_one_off_charges"),
    ),
    PageInfo(
        "views/mappings.py",
        "Mappings",
        ":material/account_tree:",
        "mappings",
        ("fct_allocation_key_monthly",),
    ),
    PageInfo("views/glossary.py", "Glossary", ":material/menu_book:", "glossary", ()),
)


def page_path(url_path: str) -> str:
    """The page file of the page served at ``/<url_path>`` (for links between pages)."""
    return next(page.path for page in PAGES if page.url_path == url_path)


def default_page() -> PageInfo:
    """The page served at ``/`` (the one marked default, else the first)."""
    return next((page for page in PAGES if page.default), PAGES[0])
