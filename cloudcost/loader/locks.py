"""One load at a time per (payer, billing period) on Postgres.

Two ``cloudcost load`` runs of the same period must not both replace it: each would delete the lines it
can see and insert its own, and both deliveries' lines would end up in the table. The write transaction
therefore takes a transaction-level advisory lock per (payer, billing period) it replaces, without waiting:
a second run gets "another load of 2026-06 (payer ...) is running". Having the lock, it checks that the
period's current delivery is still the one it planned against; if a load finished in between, it stops
too (run again: an identical delivery then says "already loaded"). The locks end with the transaction,
so a killed process never leaves one behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from cloudcost.loader.deliveries import PlannedDelivery
from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.naming import period_label
from cloudcost.settings import RAW_SCHEMA

_DELIVERIES = "raw_cur_deliveries"


def advisory_key(text: str) -> int:
    """A signed 64-bit advisory lock key from a text (stable across runs and machines)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big", signed=True)


def period_key(delivery: PlannedDelivery) -> int:
    return advisory_key(f"cloudcost load {delivery.payer_account_id} {delivery.billing_period.isoformat()}")


def lock_periods(cur: Any, to_write: Sequence[PlannedDelivery]) -> None:
    """Take every period's lock (in a fixed order) or refuse; then check nothing changed since planning."""
    for delivery in sorted(to_write, key=lambda d: (d.payer_account_id, d.billing_period)):
        cur.execute("select pg_try_advisory_xact_lock(%s)", (period_key(delivery),))
        row = cur.fetchone()
        if not row or not row[0]:
            raise CurLoadError(
                f"another load of {period_label(delivery.billing_period)} (payer {delivery.payer_account_id}) "
                "is running",
                fix="Wait until it has finished, then run again.",
            )
    for delivery in to_write:
        cur.execute(
            f"select delivery_id from {RAW_SCHEMA}.{_DELIVERIES} "
            "where payer_account_id = %s and billing_period = %s and superseded_at is null",
            (delivery.payer_account_id, delivery.billing_period),
        )
        current = sorted(row[0] for row in cur.fetchall())
        planned_against = [delivery.replaces] if delivery.replaces else []
        if current != planned_against:
            raise CurLoadError(
                f"another load of {period_label(delivery.billing_period)} (payer {delivery.payer_account_id}) "
                "finished while this one was running",
                fix="Run again: the same delivery then says 'already loaded', a newer one replaces it.",
            )
