"""The dashboard's pages, in menu order (shared by the app, its tests and the page benchmark)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    path: str  # relative to streamlit_app/app.py
    title: str
    icon: str
    url_path: str
    marts: tuple[str, ...]  # every mart the page reads (the first one holds its main table)
    question: str  # what the page answers (docs/dashboard.md's page table is written from it)
    default: bool = False


PAGES: tuple[PageInfo, ...] = (
    PageInfo(
        "views/overview.py",
        "Overview",
        ":material/dashboard:",
        "overview",
        (
            "fct_cost_daily",
            "fct_invoice_reconciliation",
            "fct_cost_one_off_charges",
            "fct_budget_status",
            "fct_cost_anomalies",
        ),
        question=(
            "How much did the last closed month cost — billed (the invoices' totals, tax and Marketplace invoices"
            " included), amortized and at public on-demand prices — against the previous month (in total and per "
            "day: months have 28 to 31 days) and the same month last year? How far is the open month, and where "
            "will it end at its run rate? What moved most by team, service and account (recurring cost; credits, "
            "refunds, tax and fees shown apart as one-off charges)? Which budgets are projected over, how many "
            "anomalies are open?"
        ),
        default=True,
    ),
    PageInfo(
        "views/breakdown.py",
        "Breakdown",
        ":material/stacked_bar_chart:",
        "breakdown",
        ("fct_cost_daily", "fct_cost_resource_monthly", "fct_allocation_key_monthly"),
        question=(
            "Cost by team, host type, functional group, account, service, region or pricing model — or by any "
            "resource tag key or cost category (amortized cost) — month by month, stacked, with the latest "
            "month's change against the previous; one slice drilled down to usage types and its largest "
            "resources."
        ),
    ),
    PageInfo(
        "views/cost_layers.py",
        "Cost layers",
        ":material/waterfall_chart:",
        "cost-layers",
        ("fct_cost_daily", "fct_cash_bridge"),
        question=(
            "From public on-demand cost, what did each discount layer take off (or add), down to amortized cost, "
            "and how do the RI/SP true-up and upfront fees bridge to the billed cost on the invoice, month by "
            "month?"
        ),
    ),
    PageInfo(
        "views/forecast_accuracy.py",
        "Forecast accuracy",
        ":material/query_stats:",
        "forecast-accuracy",
        ("fct_forecast_accuracy", "fct_forecast_vintages", "fct_itemized_actuals"),
        question=(
            "How accurate was each forecast source by horizon (WAPE, bias, MAPE, interval coverage), and how did "
            "the vintages of one host type fan out against the actuals?"
        ),
    ),
    PageInfo(
        "views/commitments.py",
        "Commitments",
        ":material/handshake:",
        "commitments",
        ("fct_commitment_coverage", "fct_commitment_utilization", "dim_commitment"),
        question=(
            "RI and Savings Plans coverage against target per service and family, utilization per commitment, and"
            " what expires soon."
        ),
    ),
    PageInfo(
        "views/reconciliation.py",
        "Invoice reconciliation",
        ":material/receipt_long:",
        "reconciliation",
        ("fct_invoice_reconciliation", "fct_reconciliation_exceptions", "fct_cur_restatements"),
        question=(
            "Does each invoice match the CUR and the general ledger? What explains each exception? Which past "
            "months were restated, and after their close?"
        ),
    ),
    PageInfo(
        "views/unit_cost.py",
        "Unit cost",
        ":material/payments:",
        "unit-cost",
        ("fct_unit_cost",),
        question=(
            "The infra cost of one business transaction (e.g. per 1,000 payments), fully loaded and marginal, "
            "over time."
        ),
    ),
    PageInfo(
        "views/opportunities.py",
        "Savings opportunities",
        ":material/trending_down:",
        "savings-opportunities",
        ("fct_savings_opportunities",),
        question=("The stack-ranked list of savings, with owner and status."),
    ),
    PageInfo(
        "views/showback.py",
        "Showback",
        ":material/groups:",
        "showback",
        ("fct_cost_showback",),
        question=(
            "Each team's cost as mapped (direct) and with the shared layers and support fees spread in proportion"
            " to usage cost (allocated); the spread rule is stated on the page."
        ),
    ),
    PageInfo(
        "views/budgets.py",
        "Budgets",
        ":material/account_balance_wallet:",
        "budgets",
        ("fct_budget_status",),
        question=(
            "Each budget against its cost to date and its projection to the end of the period; every open period "
            "by default."
        ),
    ),
    PageInfo(
        "views/anomalies.py",
        "Anomalies",
        ":material/crisis_alert:",
        "anomalies",
        ("fct_cost_anomalies", "fct_cost_one_off_charges"),
        question=(
            "Cost anomalies, open ones first by impact, with drivers and the register's status; the month's "
            "one-off charges apart."
        ),
    ),
    PageInfo(
        "views/mappings.py",
        "Mappings",
        ":material/account_tree:",
        "mappings",
        ("fct_allocation_key_monthly",),
        question=(
            "The allocated share of cost per dimension (team, host type, functional group), where the unallocated"
            " cost sits (by account, service, tag value), tag-key coverage and what each rule claimed: the "
            "figures of `cloudcost mappings check`, computed by its code."
        ),
    ),
    PageInfo(
        "views/glossary.py",
        "Glossary",
        ":material/menu_book:",
        "glossary",
        (),
        question=("Every shared term, from the same docs blocks as the docs site's *glossary* page."),
    ),
)


def page_path(url_path: str) -> str:
    """The page file of the page served at ``/<url_path>`` (for links between pages)."""
    return next(page.path for page in PAGES if page.url_path == url_path)


def default_page() -> PageInfo:
    """The page served at ``/`` (the one marked default, else the first)."""
    return next((page for page in PAGES if page.default), PAGES[0])
