"""Which deliveries of a synced export still need loading, and when each load of one call arrives.

A billing period's deliveries are loaded oldest first so that each later one supersedes the one before it and
``raw_cur_deliveries`` keeps the whole chain. A delivery already in the warehouse is recognised by its manifest's
assembly / execution id or by the content fingerprint of its files; everything up to the newest delivery that is
already there is skipped (loading an older delivery again would roll the period back).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from cloudcost.loader.deliveries import ExistingDelivery
from cloudcost.loader.layouts import LayoutDelivery, Stream


@dataclass(frozen=True)
class Pending:
    """The deliveries of a stream to load now, in order, and how many were already loaded (or older than them)."""

    to_load: list[LayoutDelivery]
    skipped: int


def pending_deliveries(stream: Stream, existing: Sequence[ExistingDelivery]) -> Pending:
    same_period = [delivery for delivery in existing if delivery.billing_period == stream.period]
    known_ids = {delivery.delivery_id for delivery in same_period}
    payers = sorted({delivery.payer_account_id for delivery in same_period})
    for index in range(len(stream.deliveries) - 1, -1, -1):
        if is_loaded(stream.deliveries[index], stream.period, payers, known_ids):
            return Pending(stream.deliveries[index + 1 :], index + 1)
    return Pending(list(stream.deliveries), 0)


def is_loaded(delivery: LayoutDelivery, period: date, payers: Sequence[str], known_ids: set[str]) -> bool:
    if not known_ids:
        return False
    if delivery.assembly_id is not None and delivery.assembly_id in known_ids:
        return True
    # a delivery is known by its content (the same lines re-compressed are the same delivery): compute its id
    # exactly as a load would, in memory
    from cloudcost.loader.api import delivery_ids  # the loader's entry point imports this module

    ids = delivery_ids([*(data_file.path for data_file in delivery.files), *delivery.manifests])
    return any(ids.get((period, payer)) in known_ids for payer in payers)


@dataclass
class ArrivalClock:
    """Strictly increasing arrival times for the loads of one call, so the deliveries keep their order.

    With a given time (a replay of history) the n-th load arrives n microseconds after it; otherwise each load
    arrives when it is written.
    """

    given: datetime | None = None
    _last: datetime | None = field(default=None, init=False)

    def next(self) -> datetime:
        if self.given is not None:
            moment = self.given if self._last is None else self._last + timedelta(microseconds=1)
        else:
            moment = datetime.now(UTC).replace(tzinfo=None)
            if self._last is not None and moment <= self._last:
                moment = self._last + timedelta(microseconds=1)
        self._last = moment
        return moment


def progress_line(stream: Stream, pending: Pending) -> str:
    """One line per billing period of a synced export: how many deliveries, how many new, which is current."""
    return (
        f"{stream.label} ({stream.layout}, {stream.root.name}): {len(stream.deliveries)} delivery(ies), "
        f"{pending.skipped} already loaded, {len(pending.to_load)} to load; current {stream.deliveries[-1].name} "
        f"(order: {stream.order})."
    )
