"""Score fct_cost_anomalies against a generation's anomaly_labels.json: recall and false alarms.

An injected anomaly is **found** when an `up` anomaly of the build names its resource (or, for lines without a
resource id, its usage type) among the top drivers or as its usage-type series, overlaps its days, and starts
no later than its ``detect_by`` day (the first day itself for spikes, runaways and new usage types: they are
found in the first delivery that holds their settled first day; two weekly deliveries for creeps).

An anomaly of the build is **explained** when it belongs to an injection (same match, any day from the
injection's first day on, since a new usage type or a creep stays) or to a planned fleet change the
generator lists (its host type or instance type, within four weeks of the change). Every other anomaly is a
**false alarm**; the ones on a calendar event day (a month start, a commitment purchase or expiry) are listed
apart, since there must be none.

Run it across seeds (it prints the figures): ``python tests/anomaly_eval.py --seeds 1 2 3``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ANOMALY_COLUMNS = (
    "anomaly_key",
    "grain",
    "account_id",
    "service_code",
    "usage_type",
    "team",
    "host_type",
    "direction",
    "first_day",
    "last_day",
    "top_drivers",
)
PLANNED_CHANGE_DAYS = 28


@dataclass
class Evaluation:
    injected: int = 0
    found: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    anomalies: int = 0
    explained: int = 0
    false_alarms: list[dict] = field(default_factory=list)
    calendar_false_alarms: list[dict] = field(default_factory=list)
    series_days: int = 0

    @property
    def recall(self) -> float:
        return len(self.found) / self.injected if self.injected else 1.0

    @property
    def false_alarms_per_30_days_per_100_series(self) -> float:
        return len(self.false_alarms) * 30 * 100 / self.series_days if self.series_days else 0.0


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _names_label(anomaly: dict, label: dict) -> bool:
    drivers = anomaly["top_drivers"] or ""
    if label["resource_id"]:
        return label["resource_id"] in drivers
    series = f"{label['service_code']} {label['usage_type']}"
    return series in drivers or (
        anomaly["grain"] == "service_usage_type" and anomaly["usage_type"] == label["usage_type"]
    )


def _is_found(anomaly: dict, label: dict) -> bool:
    first, last = _day(anomaly["first_day"]), _day(anomaly["last_day"])
    return (
        anomaly["direction"] == "up"
        and _names_label(anomaly, label)
        and first <= _day(label["detect_by"])
        and last >= _day(label["first_day"])
        and first >= _day(label["first_day"]) - timedelta(days=1)
    )


def _belongs_to_injection(anomaly: dict, label: dict) -> bool:
    return _names_label(anomaly, label) and _day(anomaly["last_day"]) >= _day(label["first_day"])


def _belongs_to_planned_change(anomaly: dict, event: dict) -> bool:
    day = _day(event["day"])
    first = _day(anomaly["first_day"])
    if not day - timedelta(days=1) <= first <= day + timedelta(days=PLANNED_CHANGE_DAYS):
        return False
    drivers = anomaly["top_drivers"] or ""
    return (
        anomaly["host_type"] == event.get("host_type")
        or event.get("instance_type", "") in (anomaly["usage_type"] or "")
        or event.get("instance_type", "") in drivers
        or anomaly["grain"] in ("account_service", "team")
    )


def _calendar_days(labels: dict) -> set[date]:
    kinds = {"month_start", "ri_purchase", "ri_expiry", "sp_purchase"}
    return {_day(e["day"]) for e in labels["calendar_events"] if e["kind"] in kinds}


def evaluate(labels: dict, anomalies: list[dict], series_days: int) -> Evaluation:
    result = Evaluation(injected=len(labels["anomalies"]), anomalies=len(anomalies), series_days=series_days)
    for label in labels["anomalies"]:
        (result.found if any(_is_found(a, label) for a in anomalies) else result.missed).append(label)
    planned = [e for e in labels["calendar_events"] if e["kind"] == "planned_fleet_change"]
    calendar = _calendar_days(labels)
    for anomaly in anomalies:
        if any(_belongs_to_injection(anomaly, label) for label in labels["anomalies"]) or any(
            _belongs_to_planned_change(anomaly, event) for event in planned
        ):
            result.explained += 1
            continue
        result.false_alarms.append(anomaly)
        if _day(anomaly["first_day"]) in calendar:
            result.calendar_false_alarms.append(anomaly)
    return result


def read_anomalies(query: Any) -> tuple[list[dict], int]:
    """The mart's anomalies and the number of evaluated series-days, through a query(sql) -> rows function."""
    rows = query(f"select {', '.join(ANOMALY_COLUMNS)} from marts.fct_cost_anomalies")
    series_days = query("select count(*) from intermediate.int_anomalies__scores")[0][0]
    return [dict(zip(ANOMALY_COLUMNS, row, strict=True)) for row in rows], int(series_days)


def run_seed(seed: int, rows: int, inject: bool, root: Path) -> Evaluation:  # pragma: no cover - a tool
    """Generate, load and build one seed in a scratch DuckDB warehouse, then evaluate it."""
    sys.path.insert(0, str(Path(__file__).parent))
    from dbt_harness import DbtWorkspace

    from cloudcost.generator import Options, generate, latest_deliveries
    from cloudcost.loader import load_paths
    from cloudcost.settings import load_settings

    out = root / f"seed-{seed}-{'injected' if inject else 'quiet'}"
    generate(Options(out=out / "cur", rows=rows, seed=seed, restate=True, month_to_date=False, inject_anomalies=inject))
    settings = replace(load_settings("duckdb"), duckdb_path=out / "warehouse.duckdb")
    load_paths(latest_deliveries(out / "cur"), settings, progress=False)
    workspace = DbtWorkspace.create(out / "project", settings)
    workspace.dbt(
        "build",
        "--select",
        "+fct_cost_anomalies",
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
    )
    anomalies, series_days = read_anomalies(workspace.query)
    labels = json.loads((out / "cur" / "anomaly_labels.json").read_text())
    return evaluate(labels, anomalies, series_days)


def main() -> None:  # pragma: no cover - a tool
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for inject in (True, False):
            for seed in args.seeds:
                e = run_seed(seed, args.rows, inject, Path(folder))
                print(
                    f"seed {seed} {'injected' if inject else 'quiet   '}: found {len(e.found)}/{e.injected} "
                    f"(recall {e.recall:.0%}), anomalies {e.anomalies}, explained {e.explained}, "
                    f"false alarms {len(e.false_alarms)} over {e.series_days} series-days = "
                    f"{e.false_alarms_per_30_days_per_100_series:.2f} per 30 days per 100 series, "
                    f"on calendar events {len(e.calendar_false_alarms)}"
                )
                for label in e.missed:
                    print("   missed", label["kind"], label["first_day"], label["service_code"], label["usage_type"])
                for a in e.false_alarms:
                    print(
                        "   false",
                        a["grain"],
                        a["first_day"],
                        a["direction"],
                        a["account_id"],
                        a["service_code"],
                        a["usage_type"],
                        a["team"],
                        a["host_type"],
                        (a["top_drivers"] or "")[:90],
                    )


if __name__ == "__main__":
    main()
