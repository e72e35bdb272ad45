"""The generator's injected anomalies and their label file (no dbt: the CUR files themselves are read)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from cloudcost.generator import Options, generate, latest_deliveries
from cloudcost.generator.anomalies import KINDS, LABEL_FILE, MIN_EXTRA_DOLLARS


def _generate(root: Path, inject: bool) -> Path:
    out = root / ("injected" if inject else "quiet")
    generate(Options(out=out, rows=5_000, seed=3, restate=True, month_to_date=False, inject_anomalies=inject))
    return out


@pytest.fixture(scope="module")
def generations(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("generator-anomalies")
    return _generate(root, True), _generate(root, False)


def _daily_public_cost(out: Path, account_id: str, usage_type: str, day: str) -> float:
    files = [str(f) for path in latest_deliveries(out) for f in sorted(Path(path).rglob("*.parquet"))]
    con = duckdb.connect()
    value = con.execute(
        "select coalesce(sum(pricing_public_on_demand_cost), 0) from read_parquet(?, union_by_name = true) "
        "where line_item_usage_account_id = ? and line_item_usage_type = ? "
        "and cast(line_item_usage_start_date as date) = cast(? as date) and line_item_line_item_type = 'Usage'",
        [files, account_id, usage_type, day],
    ).fetchone()[0]
    return float(value)


def test_labels_list_two_anomalies_of_each_kind_sized_by_noise(generations: tuple[Path, Path]) -> None:
    labels = json.loads((generations[0] / LABEL_FILE).read_text())
    assert labels["injected"] is True
    kinds = [a["kind"] for a in labels["anomalies"]]
    assert sorted(kinds) == sorted(KINDS * 2)
    for anomaly in labels["anomalies"]:
        assert anomaly["extra_per_day"] >= MIN_EXTRA_DOLLARS
        assert anomaly["sigmas"] == pytest.approx(anomaly["extra_per_day"] / anomaly["series_noise"])
        assert anomaly["first_day"] <= anomaly["detect_by"] <= anomaly["last_day"]
    new_types = [a["usage_type"] for a in labels["anomalies"] if a["kind"] == "new_usage_type"]
    assert len(set(new_types)) == len(new_types)  # each new usage type is new


def test_the_cur_holds_each_injection_on_its_first_day(generations: tuple[Path, Path]) -> None:
    injected, quiet = generations
    labels = json.loads((injected / LABEL_FILE).read_text())
    for anomaly in labels["anomalies"]:
        if anomaly["kind"] == "creep":  # a creep starts small; its first day adds 1/14 of it
            continue
        added = _daily_public_cost(
            injected, anomaly["account_id"], anomaly["usage_type"], anomaly["first_day"]
        ) - _daily_public_cost(quiet, anomaly["account_id"], anomaly["usage_type"], anomaly["first_day"])
        assert added > 0.5 * anomaly["extra_per_day"], anomaly


def test_quiet_generation_lists_the_calendar_events_and_no_anomaly(generations: tuple[Path, Path]) -> None:
    labels = json.loads((generations[1] / LABEL_FILE).read_text())
    assert labels["injected"] is False and labels["anomalies"] == []
    kinds = {e["kind"] for e in labels["calendar_events"]}
    assert {"month_start", "month_end_charges", "ri_purchase", "late_credit", "mapping_reorg"} <= kinds
