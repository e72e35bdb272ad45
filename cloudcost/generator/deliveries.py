"""Read ``generation.json``: every delivery of the generated CUR, in delivery order.

A loader that wants "everything current" loads :func:`latest_deliveries`; a replay that wants "what the CUR
held on day D" loads :func:`deliveries_as_of` (the latest delivery of each billing period delivered on or
before D), one period per delivery folder.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

GENERATION_FILE = "generation.json"
SCHEMA_VERSION = 1
# generation.json's `files` keys: what `cloudcost load-finance` loads (the sign-offs make the close pass), and
# what `cloudcost load-forecasts` loads
FINANCE_FILES = ("invoices", "general_ledger", "business_volumes", "close_calendar", "sign_offs")
FORECAST_FILES = ("usage_forecasts", "finance_forecasts")


@dataclass(frozen=True)
class Delivery:
    sequence: int
    delivery_id: str
    billing_period: str  # YYYY-MM
    kind: str  # month_to_date | final | restated
    delivered_on: date
    delivered_at: datetime  # when AWS delivered it (naive UTC)
    as_of: date  # exclusive end of the usage it holds
    latest: bool  # the newest delivery of its billing period
    supersedes: str | None
    path: Path  # the delivery folder (absolute)
    files: tuple[Path, ...]
    manifest: Path
    row_count: int
    totals: dict


def read_generation(out_dir: str | Path) -> dict:
    path = Path(out_dir) / GENERATION_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `cloudcost generate --out {out_dir}` first")
    data = json.loads(path.read_text())
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"{path}: schema_version {data.get('schema_version')!r} is not {SCHEMA_VERSION}")
    return data


def generated_files(out_dir: str | Path, kinds: Sequence[str]) -> list[Path]:
    """The generated files of these kinds (keys of generation.json's ``files``, e.g. ``invoices``,
    ``sign_offs``, ``usage_forecasts``) that exist, in the order asked."""
    root = Path(out_dir)
    files = read_generation(root).get("files", {})
    return [root / files[kind] for kind in kinds if kind in files and (root / files[kind]).is_file()]


def deliveries(out_dir: str | Path) -> list[Delivery]:
    """Every delivery, in delivery order (the order a loader must load them in)."""
    root = Path(out_dir).resolve()
    data = read_generation(root)
    result = []
    for entry in data["deliveries"]:
        result.append(
            Delivery(
                sequence=entry["sequence"],
                delivery_id=entry["delivery_id"],
                billing_period=entry["billing_period"],
                kind=entry["kind"],
                delivered_on=date.fromisoformat(entry["delivered_on"]),
                delivered_at=datetime.fromisoformat(entry["delivered_at"]).astimezone(UTC).replace(tzinfo=None),
                as_of=date.fromisoformat(entry["as_of"]),
                latest=entry["latest"],
                supersedes=entry.get("supersedes"),
                path=root / entry["path"],
                files=tuple(root / f for f in entry["files"]),
                manifest=root / entry["manifest"],
                row_count=entry["row_count"],
                totals=entry["totals"],
            )
        )
    return sorted(result, key=lambda d: d.sequence)


def latest_deliveries(out_dir: str | Path) -> list[Path]:
    """The folder of the latest delivery of each billing period, in billing-period order."""
    latest = [d for d in deliveries(out_dir) if d.latest]
    return [d.path for d in sorted(latest, key=lambda d: d.billing_period)]


def deliveries_as_of(out_dir: str | Path, day: date) -> list[Delivery]:
    """What the CUR held on `day`: per billing period, the newest delivery delivered on or before it."""
    chosen: dict[str, Delivery] = {}
    for delivery in deliveries(out_dir):
        if delivery.delivered_on <= day:
            chosen[delivery.billing_period] = delivery
    return [chosen[p] for p in sorted(chosen)]
