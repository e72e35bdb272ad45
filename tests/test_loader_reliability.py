"""What the loader accepts that it once got wrong: a delivery known by its content, Athena text exports,
tag keys that differ only in case, AWS's documented dates outside the period, and I/O failures as one line."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from bad_inputs.cur_files import CUR2_CSV, LEGACY_CSV, LEGACY_PARQUET, read_rows, write_rows

from cloudcost.loader import CurLoadError, load_paths
from cloudcost.settings import Settings

TOTALS_SQL = (
    "select cast(bill_billing_period_start_date as date), count(*), sum(line_item_unblended_cost) "
    "from raw.raw_cur_line_items group by 1 order by 1"
)


def test_same_lines_gzipped_or_recompressed_are_the_same_delivery(duckdb_settings: Settings, tmp_path: Path) -> None:
    first = load_paths([LEGACY_CSV, LEGACY_PARQUET], duckdb_settings, progress=False)
    packed = tmp_path / "again.csv.gz"
    packed.write_bytes(gzip.compress(LEGACY_CSV.read_bytes()))
    zstd = tmp_path / "again.parquet"
    con = duckdb.connect()
    con.execute(f"copy (select * from read_parquet('{LEGACY_PARQUET}')) to '{zstd}' (format parquet, compression zstd)")
    con.close()
    again = load_paths([packed, zstd], duckdb_settings, progress=False)
    assert [d.status for d in again.deliveries] == ["already loaded", "already loaded"]
    assert {d.delivery_id for d in again.deliveries} == {d.delivery_id for d in first.deliveries}
    # and the original bytes after the re-compressed copy: still the current delivery, no roll-back refusal
    assert {d.status for d in load_paths([LEGACY_CSV], duckdb_settings, progress=False).deliveries} == {
        "already loaded"
    }


def _athena_text(folder: Path, name: str) -> tuple[Path, list[str]]:
    rows = read_rows(LEGACY_CSV)
    body = "\n".join("\x01".join(value if value != "" else "\\N" for value in row) for row in rows[1:])
    target = folder / name
    target.write_text(body + "\n", encoding="utf-8")
    return target, rows[0]


def test_athena_text_reads_with_a_sibling_header_or_the_manifest_columns(
    duckdb_settings: Settings, tmp_path: Path, warehouse_query
) -> None:
    reference = load_paths([LEGACY_CSV], duckdb_settings, progress=False).deliveries[0]
    expected = warehouse_query(duckdb_settings, TOTALS_SQL)
    sibling_folder = tmp_path / "sibling"
    sibling_folder.mkdir()
    data, header = _athena_text(sibling_folder, "part-000")
    data.with_name("part-000.header").write_text(",".join(header) + "\n", encoding="utf-8")
    assert load_paths([data], duckdb_settings, progress=False).deliveries[0].status == "already loaded"
    manifest_folder = tmp_path / "manifest" / "20231101-20231201" / "a-1"
    manifest_folder.mkdir(parents=True)
    _athena_text(manifest_folder, "part-000.csv")  # in a folder, only .csv/.csv.gz/.parquet names are data
    columns = [dict(zip(("category", "name"), name.split("/", 1), strict=True)) for name in header]
    (manifest_folder / "report-Manifest.json").write_text(
        json.dumps({"assemblyId": "a-1", "reportKeys": ["cur/20231101-20231201/a-1/part-000.csv"], "columns": columns})
    )
    # a delivery already in the warehouse is skipped by the layout planner: read this one into a new warehouse
    fresh = replace(duckdb_settings, duckdb_path=tmp_path / "fresh" / "cloudcost.duckdb")
    report = load_paths([manifest_folder], fresh, progress=False)
    assert report.deliveries[0].delivery_id == reference.delivery_id
    assert warehouse_query(fresh, TOTALS_SQL) == expected
    assert load_paths([manifest_folder], duckdb_settings, progress=False).deliveries == []


def test_tag_keys_differing_in_case_or_spelling_keep_every_value(
    duckdb_settings: Settings, tmp_path: Path, warehouse_query
) -> None:
    rows = read_rows(LEGACY_CSV)
    added = [
        "resourceTags/user:Team",
        "resourceTags/user:team",
        "resourceTags/user:Cost Center",
        "resourceTags/user:cost_center",
    ]
    rows[0] += added
    for row in rows[1:]:
        row += ["Payments", "payments-lower", "CC-1", "cc-2"]
    target = write_rows(tmp_path / "tags.csv", rows)
    report = load_paths([target], duckdb_settings, progress=False)
    assert any("'user:Team', 'user:team' all normalize to 'user_team'" in note for note in report.notes)
    tags = {
        text
        for (text,) in warehouse_query(duckdb_settings, "select distinct resource_tags from raw.raw_cur_line_items")
    }
    for text in tags:
        decoded = json.loads(text)
        assert decoded["user:Team"] == "Payments" and decoded["user:team"] == "payments-lower"
        assert decoded["user:Cost Center"] == "CC-1" and decoded["user:cost_center"] == "cc-2"
        # a rule naming the normalized key keeps reading what it read before (the first column)
        assert decoded["user_team"] == "Payments" and decoded["user_cost_center"] == "CC-1"


def test_dates_aws_documents_outside_the_period_are_accepted(duckdb_settings: Settings, tmp_path: Path) -> None:
    rows = read_rows(LEGACY_CSV)
    header = rows[0]
    at = {name: header.index(name) for name in header}
    kind, start, end = at["lineItem/LineItemType"], at["lineItem/UsageStartDate"], at["lineItem/UsageEndDate"]
    credit, upfront, marketplace, monthly, last_hour = rows[1], rows[2], rows[3], rows[4], rows[5]
    credit[kind], credit[start], credit[end] = "Credit", "2023-08-01T00:00:00Z", "2023-09-01T00:00:00Z"
    upfront[kind], upfront[end] = "SavingsPlanUpfrontFee", "2026-11-01T00:00:00Z"
    marketplace[at["bill/BillingEntity"]], marketplace[end] = "AWS Marketplace", "2024-11-01T00:00:00Z"
    monthly[kind], monthly[start], monthly[end] = "Fee", "2023-11-01T00:00:00Z", "2023-12-01T00:00:00Z"
    last_hour[start], last_hour[end] = "2023-11-30T23:00:00Z", "2023-12-01T00:00:00Z"
    target = write_rows(tmp_path / "documented.csv", rows)
    assert load_paths([target], duckdb_settings, progress=False).deliveries[0].row_count == len(rows) - 1
    # the same usage end on an ordinary usage line is refused
    last_hour[end] = "2023-12-01T01:00:00Z"
    with pytest.raises(CurLoadError, match="usage ends after its billing period"):
        load_paths([write_rows(tmp_path / "late.csv", rows)], duckdb_settings, progress=False)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cloudcost.cli", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_io_failure_is_one_error_line_without_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the warehouse folder should be")
    env = {**os.environ, "CLOUDCOST_DUCKDB_PATH": str(blocker / "wh.duckdb")}
    done = run_cli("load", "--quiet", str(CUR2_CSV), env=env)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and "not-a-folder" in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def _without_root_file_access() -> list[str]:
    """A command prefix that makes root obey file permissions (root reads every file otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root would read the unreadable part")
    dropped = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={dropped}", f"--bounding-set={dropped}"]


@pytest.mark.parametrize("unreadable", ["sub-folder", "file"])
def test_an_unreadable_part_of_a_delivery_is_refused_not_skipped(unreadable: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="cloudcost-unreadable-"))
    try:
        delivery = work / "20231101-20231201"
        for part, kind in (("part-a", "Usage"), ("part-b", "Tax")):
            rows = read_rows(LEGACY_CSV)
            kept = [rows[0]] + [row for row in rows[1:] if row[rows[0].index("lineItem/LineItemType")] == kind]
            (delivery / part).mkdir(parents=True)
            write_rows(delivery / part / f"report-{part}.csv", kept)
        hidden = delivery / "part-b" if unreadable == "sub-folder" else delivery / "part-b" / "report-part-b.csv"
        hidden.chmod(0)
        env = {**os.environ, "CLOUDCOST_DUCKDB_PATH": str(work / "wh.duckdb")}
        done = subprocess.run(
            [*_without_root_file_access(), sys.executable, "-m", "cloudcost.cli", "load", "--quiet", str(delivery)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1, done.stderr
        why = "is a folder that cannot be listed" if unreadable == "sub-folder" else "cannot be read"
        assert f"{hidden}: {why} (Permission denied)" in lines[0], lines[0]
        assert not (work / "wh.duckdb").exists()
    finally:
        for path in sorted(work.rglob("*")):
            path.chmod(0o755)
        shutil.rmtree(work, ignore_errors=True)
