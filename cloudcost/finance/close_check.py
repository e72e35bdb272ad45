"""Name the closed billing periods that fail the close check, for ``cloudcost build``.

The dbt test ``assert_closed_periods_are_reconciled`` fails when a closed period is not reconciled and not
signed off; dbt itself only says how many rows failed. This reads the close-status mart the test reads and
returns one sentence per failing period (period, payer, the restatement delta and the unreconciled invoices).
On Postgres it reads the build's own schema (``marts__build``), since a failing build is not published.
"""

from __future__ import annotations

from typing import Any

from cloudcost.dbt_runner import DbtOutcome
from cloudcost.settings import Settings
from cloudcost.warehouse import connect

CLOSED_PERIOD_TEST = "assert_closed_periods_are_reconciled"
CLOSE_STATUS_TABLE = "fct_period_close_status"
CLOSE_STATUS_RELATION = f"marts.{CLOSE_STATUS_TABLE}"

FAILING_PERIODS_SQL = (
    "select failure_message from {relation} "
    "where is_closed and close_status = 'failing' order by billing_period, payer_account_id"
)


def close_status_relation(cursor: Any, settings: Settings) -> str:
    """The close-status mart of the latest build: ``marts__build`` on Postgres when `cloudcost build` made one."""
    if settings.target != "postgres":
        return CLOSE_STATUS_RELATION
    from cloudcost.pg_publish import BUILD_SCHEMA

    cursor.execute("select to_regclass(%s)", (f"{BUILD_SCHEMA}.{CLOSE_STATUS_TABLE}",))
    found = cursor.fetchone()
    return f"{BUILD_SCHEMA}.{CLOSE_STATUS_TABLE}" if found and found[0] else CLOSE_STATUS_RELATION


def closed_period_test_failed(outcome: DbtOutcome) -> bool:
    """Did the closed-period test fail (or error) in this dbt run?"""
    for result in outcome.failures():
        node: Any = getattr(result, "node", None)
        if getattr(node, "name", None) == CLOSED_PERIOD_TEST:
            return True
    return False


def failing_closed_periods(settings: Settings) -> list[str]:
    """One message per closed period (and payer) that is neither reconciled nor signed off."""
    with connect(settings) as con:
        cursor = con.cursor()
        cursor.execute(FAILING_PERIODS_SQL.format(relation=close_status_relation(cursor, settings)))
        return [str(row[0]) for row in cursor.fetchall()]


def describe_close_failures(outcome: DbtOutcome, settings: Settings) -> list[str]:
    """Messages naming each failing closed period, when the closed-period test failed; else []."""
    if not closed_period_test_failed(outcome):
        return []
    try:
        messages = failing_closed_periods(settings)
    except Exception as error:  # the mart may be missing if the build broke before it
        return [f"closed period not reconciled (could not read {CLOSE_STATUS_RELATION}: {error})"]
    return [f"closed period not reconciled: {message}" for message in messages]
