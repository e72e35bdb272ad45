"""Faults during a load, on DuckDB and Postgres: two loads of one period at once, kill -9 in the middle of
the write, and a full disk. Each ends with the warehouse exactly as before or exactly as after one load,
and the next load works."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
import pytest
from bad_inputs.cur_files import BASELINE, LEGACY_CSV, LEGACY_PARQUET, read_rows, write_rows

from cloudcost.loader import CurLoadError, load_paths
from cloudcost.settings import Settings, load_settings

STATE_SQL = (
    "select cast(bill_billing_period_start_date as date), count(*), "
    "sum(cast(line_item_unblended_cost as decimal(38, 10))) from raw.raw_cur_line_items group by 1 order by 1",
    "select delivery_id, billing_period, row_count, superseded_at is null from raw.raw_cur_deliveries order by 1, 2",
    "select count(*) from raw.raw_cur_delivery_totals",
)
BIG_COPIES = 100  # the legacy Parquet period restated with 100 x its lines (about 31,000)


def state(settings: Settings, query: Callable[[Settings, str], list[tuple[Any, ...]]]) -> tuple:
    return tuple(tuple(query(settings, sql)) for sql in STATE_SQL)


def reset_postgres(settings: Settings) -> None:
    con = psycopg2.connect(settings.pg_dsn)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("drop schema if exists raw cascade")
    con.close()


def big_restatement(folder: Path) -> Path:
    target = folder / "big-restatement.parquet"
    if not target.exists():
        con = duckdb.connect()
        con.execute(
            f"""copy (select * replace (identity_line_item_id || '-' || copy as identity_line_item_id)
                from read_parquet('{LEGACY_PARQUET}'), range({BIG_COPIES}) as copies(copy))
            to '{target}' (format parquet)"""
        )
        con.close()
    return target


def cli_env(settings: Settings) -> dict[str, str]:
    env = {**os.environ, "CLOUDCOST_TARGET": settings.target, "CLOUDCOST_DUCKDB_PATH": str(settings.duckdb_path)}
    env.update(PGHOST=settings.pg_host, PGPORT=str(settings.pg_port), PGDATABASE=settings.pg_database)
    env["PGUSER"] = settings.pg_user
    return env


def start_load(settings: Settings, path: Path, **popen: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cloudcost.cli", "load", "--quiet", str(path)],
        env=cli_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


# -- settings per engine -------------------------------------------------------------------------------
@pytest.fixture(params=["duckdb", "postgres"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Settings]:
    """A factory: an empty warehouse holding the three trimmed exports (a new one at each call)."""
    counter = iter(range(1000))

    def make() -> Settings:
        if request.param == "duckdb":
            settings = replace(load_settings("duckdb"), duckdb_path=tmp_path / f"wh-{next(counter)}.duckdb")
        else:
            settings = request.getfixturevalue("postgres_database")("load_faults")
            reset_postgres(settings)
        load_paths(list(BASELINE), settings, progress=False)
        return settings

    return make


# -- two loads of one period at once ---------------------------------------------------------------------
def restatements(folder: Path, count: int) -> list[tuple[Path, int]]:
    """``count`` restatements of the legacy CSV period, each with its own costs; (path, rows)."""
    rows = read_rows(LEGACY_CSV)
    cost = rows[0].index("lineItem/UnblendedCost")
    made = []
    for number in range(count):
        changed = [rows[0]] + [[*row] for row in rows[1:]]
        for row in changed[1:]:
            row[cost] = str(float(row[cost] or 0) + number + 1)
        made.append((write_rows(folder / f"restated-{number}.csv", changed), len(changed) - 1))
    return made


def period_lines(settings: Settings, query) -> tuple[int, float, int]:
    [(rows, total)] = query(
        settings,
        "select count(*), sum(line_item_unblended_cost) from raw.raw_cur_line_items "
        "where cast(bill_billing_period_start_date as date) = '2023-11-01'",
    )
    [(current,)] = query(
        settings,
        "select count(*) from raw.raw_cur_deliveries where billing_period = '2023-11-01' and superseded_at is null",
    )
    return int(rows), float(total), int(current)


def file_total(path: Path) -> float:
    rows = read_rows(path)
    cost = rows[0].index("lineItem/UnblendedCost")
    return sum(float(row[cost] or 0) for row in rows[1:])


def test_two_concurrent_loads_of_one_period_on_postgres_keep_one_delivery(
    postgres_database, tmp_path: Path, warehouse_query
) -> None:
    settings = postgres_database("load_faults")
    reset_postgres(settings)
    load_paths(list(BASELINE), settings, progress=False)
    files = restatements(tmp_path, 40)
    refusals: list[str] = []
    for round_number in range(20):
        pair = files[2 * round_number : 2 * round_number + 2]
        errors: list[BaseException] = []
        barrier = threading.Barrier(2)

        def run(path: Path, errors: list[BaseException] = errors, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                load_paths([path], settings, progress=False)
            except CurLoadError as error:
                errors.append(error)

        threads = [threading.Thread(target=run, args=(path,)) for path, _ in pair]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for problem in errors:
            message = problem.format_message()
            assert "another load of 2023-11 (payer 123412340534)" in message, message
            refusals.append(message)
        rows, total, current = period_lines(settings, warehouse_query)
        assert current == 1, f"round {round_number}: {current} current deliveries"
        assert rows == pair[0][1], f"round {round_number}: {rows} lines, one delivery has {pair[0][1]}"
        assert any(total == pytest.approx(file_total(path), abs=1e-6) for path, _ in pair), round_number
    print(f"{len(refusals)} of 20 rounds refused one of the two loads")


def test_a_second_duckdb_process_is_refused_clearly(duckdb_settings: Settings, tmp_path: Path, warehouse_query) -> None:
    load_paths(list(BASELINE), duckdb_settings, progress=False)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(duckdb_settings.duckdb_path)!r}); "
            "print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(CurLoadError) as refused:
            load_paths([restatements(tmp_path, 1)[0][0]], duckdb_settings, progress=False)
        assert f"another cloudcost process is using the warehouse {duckdb_settings.duckdb_path}" in (
            refused.value.format_message()
        )
    finally:
        holder.kill()
        holder.wait()


def test_two_concurrent_cli_loads_on_duckdb_keep_one_delivery(
    duckdb_settings: Settings, tmp_path: Path, warehouse_query
) -> None:
    load_paths(list(BASELINE), duckdb_settings, progress=False)
    files = restatements(tmp_path, 10)
    for round_number in range(5):
        pair = files[2 * round_number : 2 * round_number + 2]
        runs = [start_load(duckdb_settings, path) for path, _ in pair]
        outcomes = [(run.wait(timeout=300), run.stderr.read() if run.stderr else "") for run in runs]
        for code, stderr in outcomes:
            if code != 0:
                lines = stderr.strip().splitlines()
                assert code == 2 and len(lines) == 1, stderr
                assert "another cloudcost process is using the warehouse" in lines[0], stderr
        rows, total, current = period_lines(duckdb_settings, warehouse_query)
        assert current == 1 and rows == pair[0][1], round_number
        assert any(total == pytest.approx(file_total(path), abs=1e-6) for path, _ in pair), round_number


# -- kill -9 in the middle of the write ---------------------------------------------------------------------
def _copying_on_postgres(settings: Settings) -> bool:
    con = psycopg2.connect(settings.pg_dsn.replace(f"dbname={settings.pg_database}", "dbname=postgres"))
    try:
        with con.cursor() as cur:
            cur.execute(
                "select count(*) from pg_stat_activity where datname = %s and query ilike 'copy raw.%%'",
                (settings.pg_database,),
            )
            row = cur.fetchone()
            return bool(row and row[0])
    finally:
        con.close()


def test_kill_during_the_write_leaves_before_or_after_and_the_next_load_works(
    fresh: Callable[[], Settings], tmp_path_factory: pytest.TempPathFactory, warehouse_query
) -> None:
    big = big_restatement(tmp_path_factory.getbasetemp())
    settings = fresh()
    before = state(settings, warehouse_query)
    started = time.perf_counter()
    load_paths([big], settings, progress=False)
    full_time = time.perf_counter() - started
    after = state(settings, warehouse_query)
    assert after != before
    outcomes = []
    for fraction in (0.4, 0.8, None):
        settings = fresh()
        run = start_load(settings, big)
        if fraction is None and settings.target == "postgres":
            while run.poll() is None and not _copying_on_postgres(settings):
                time.sleep(0.01)
        else:
            time.sleep(1.0 + (fraction or 1.0) * full_time)  # the CLI needs about a second to start
        run.send_signal(signal.SIGKILL)
        run.wait()
        found = state(settings, warehouse_query)
        assert found in (before, after), f"kill at {fraction}: the warehouse is neither before nor after"
        outcomes.append("after" if found == after else "before")
        load_paths([big], settings, progress=False)
        assert state(settings, warehouse_query)[0] == after[0]
    print(f"{settings.target}: kill outcomes {outcomes}")


# -- a full disk ----------------------------------------------------------------------------------------------
def _limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, like ENOSPC
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_duckdb_disk_full_is_one_line_and_the_next_load_works(
    duckdb_settings: Settings, tmp_path: Path, warehouse_query
) -> None:
    big = big_restatement(tmp_path)
    load_paths(list(BASELINE), duckdb_settings, progress=False)
    before = state(duckdb_settings, warehouse_query)
    size = duckdb_settings.duckdb_path.stat().st_size
    run = start_load(duckdb_settings, big, preexec_fn=_limit_file_size(size + (256 << 10)))
    _, stderr = run.communicate(timeout=300)
    lines = stderr.strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1 and lines[0].startswith("Error:"), stderr
    print(lines[0])
    assert "Traceback" not in stderr
    assert state(duckdb_settings, warehouse_query) == before
    report = load_paths([big], duckdb_settings, progress=False)
    assert report.deliveries[0].status == "replaced"


def test_postgres_disk_full_is_one_line_and_the_next_load_works(
    postgres_database, tmp_path: Path, warehouse_query
) -> None:
    """A 3 MB tmpfs as the database's default tablespace (needs root and a local server)."""
    settings = postgres_database("load_faults_disk")
    reset_postgres(settings)
    mount = Path(tempfile.mkdtemp(prefix="cloudcost-tiny-disk-"))  # outside pytest's private tmp folders
    mount.chmod(0o755)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a tmpfs tablespace needs root")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    tablespace = f"{settings.pg_database}_tiny"
    admin = psycopg2.connect(settings.pg_dsn)
    admin.autocommit = True
    try:
        shutil.chown(mount, "postgres", "postgres")
        with admin.cursor() as cur:
            cur.execute(f"drop tablespace if exists {tablespace}")
            cur.execute(f"create tablespace {tablespace} location %s", (str(mount),))
            load_paths(list(BASELINE), settings, progress=False)
            before = state(settings, warehouse_query)
            cur.execute(f"alter table raw.raw_cur_line_items set tablespace {tablespace}")
            big = big_restatement(tmp_path)
            with pytest.raises(CurLoadError) as refused:
                load_paths([big], settings, progress=False)
            message = refused.value.format_message()
            assert "\n" not in message and "No space left on device" in message, message
            assert state(settings, warehouse_query) == before
            cur.execute("alter table raw.raw_cur_line_items set tablespace pg_default")
            assert load_paths([big], settings, progress=False).deliveries[0].status == "replaced"
            cur.execute(f"drop tablespace {tablespace}")
    finally:
        admin.close()
        subprocess.run(["umount", str(mount)], capture_output=True)
        shutil.rmtree(mount, ignore_errors=True)
