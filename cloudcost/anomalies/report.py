"""Read the open anomalies of the latest build and render them as text or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

COLUMNS = (
    "anomaly_key",
    "grain",
    "payer_account_id",
    "currency",
    "account_id",
    "service_code",
    "usage_type",
    "team",
    "host_type",
    "direction",
    "first_day",
    "last_day",
    "days_open",
    "is_ongoing",
    "settled_through_date",
    "actual_cost",
    "expected_cost",
    "impact",
    "actual_to_expected_ratio",
    "amortized_impact",
    "anomaly_score",
    "top_drivers",
    "annotations",
    "status",
    "status_owner",
    "is_new_in_this_build",
)
QUERY = (
    f"select {', '.join(COLUMNS)} from marts.fct_cost_anomalies where is_open "
    "order by is_new_in_this_build desc, abs(impact) desc, anomaly_key"
)


@dataclass(frozen=True)
class Report:
    settled_through: date | None
    anomalies: list[dict[str, Any]]

    @property
    def new(self) -> list[dict[str, Any]]:
        return [a for a in self.anomalies if a["is_new_in_this_build"]]


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def open_anomalies(rows: list[tuple[Any, ...]], days: int | None) -> Report:
    """The open anomalies whose last day falls in the latest `days` settled days (all of them when None)."""
    anomalies = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
    settled = max((_as_date(a["settled_through_date"]) for a in anomalies), default=None)
    if days is not None and settled is not None:
        since = settled - timedelta(days=days - 1)
        anomalies = [a for a in anomalies if _as_date(a["last_day"]) >= since]
    return Report(settled, anomalies)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def as_json(report: Report) -> str:
    return json.dumps(
        {
            "settled_through": _plain(report.settled_through),
            "open": len(report.anomalies),
            "new": len(report.new),
            "anomalies": [{k: _plain(v) for k, v in a.items()} for a in report.anomalies],
        },
        indent=2,
    )


def _series(anomaly: dict[str, Any]) -> str:
    parts = [anomaly[k] for k in ("account_id", "service_code", "usage_type", "team", "host_type") if anomaly[k]]
    return f"{anomaly['grain']} {' / '.join(parts)}"


def as_text(report: Report) -> str:
    if not report.anomalies:
        return "No open anomalies in the latest build."
    lines = [
        f"{len(report.anomalies)} open anomalies ({len(report.new)} new), settled through {report.settled_through}:"
    ]
    for a in report.anomalies:
        ratio = f" x{a['actual_to_expected_ratio']:.2f}" if a["actual_to_expected_ratio"] is not None else ""
        lines.append(
            f"{'NEW ' if a['is_new_in_this_build'] else '    '}{a['first_day']} +{a['days_open']}d "
            f"{a['direction']:<4} {float(a['impact']):>+12,.2f} {a['currency']}{ratio}  {_series(a)}  "
            f"[{a['status']}] key {a['anomaly_key']}"
        )
        if a["top_drivers"]:
            lines.append(f"        drivers: {a['top_drivers']}")
        if a["annotations"]:
            lines.append(f"        same days: {a['annotations']}")
    return "\n".join(lines)
