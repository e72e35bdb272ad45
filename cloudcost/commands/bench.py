"""`cloudcost bench`: measure generation, load, build and dashboard page renders on N generated line items.

Each phase runs as its own process so that its wall time and peak memory (max RSS, from ``os.wait4``) are
its own. The build is compared with the floor any pipeline must pay: one bare DuckDB scan-and-aggregate of
the same raw files. The dashboard's pages are then rendered against the marts just built (cold and warm,
see ``streamlit_app.bench``, run as a subprocess).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click

from cloudcost.settings import PROJECT_ROOT


@dataclass
class Phase:
    name: str
    seconds: float
    max_rss_mib: float


def run_phase(name: str, args: list[str], env: dict[str, str], log: Path) -> Phase:
    """Run `python -m cloudcost.cli ARGS` as a child process; time it and read its own peak memory."""
    command = [sys.executable, "-m", "cloudcost.cli", *args]
    click.echo(f"  {name}: {' '.join(args)}")
    started = time.perf_counter()
    with log.open("ab") as sink:
        process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=sink, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise click.ClickException(f"{name} failed (exit {process.returncode}); see {log}")
    return Phase(name, seconds, usage.ru_maxrss / 1024)


def count_rows(files: list[Path]) -> int:
    import duckdb

    return sum(_count_one(duckdb, path) for path in files)


def _count_one(duckdb_module: object, path: Path) -> int:
    con = duckdb_module.connect()  # type: ignore[attr-defined]
    try:
        return int(con.execute("select count(*) from read_parquet(?)", [str(path)]).fetchone()[0])
    finally:
        con.close()


def scan_floor_seconds(files: list[Path], repeats: int = 3) -> float:
    """Median time of one bare scan-and-aggregate of the raw Parquet (per billing period sums)."""
    import duckdb

    timings = []
    file_list = [str(path) for path in files]
    for _ in range(repeats):
        con = duckdb.connect()
        started = time.perf_counter()
        con.execute(
            """
            select bill_billing_period_start_date as billing_period,
                   count(*) as line_items,
                   sum(line_item_unblended_cost) as unblended_cost,
                   sum(pricing_public_on_demand_cost) as public_on_demand_cost
            from read_parquet(?, union_by_name = true)
            group by 1
            """,
            [file_list],
        ).fetchall()
        timings.append(time.perf_counter() - started)
        con.close()
    timings.sort()
    return timings[len(timings) // 2]


def bench_dashboard_pages(folder: Path) -> tuple[list[dict[str, object]], str]:
    """Every page's timings and the printed table, from the app's own benchmark (the package never imports
    the app)."""
    out = folder / "pages.json"
    command = [sys.executable, "-m", "streamlit_app.bench", str(folder / "bench.duckdb"), "3", "--json", str(out)]
    completed = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise click.ClickException(f"the dashboard benchmark failed:\n{completed.stdout}{completed.stderr}")
    return json.loads(out.read_text()), completed.stdout.rstrip()


def parquet_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.parquet"))


@click.command()
@click.option("--rows", type=int, default=1_000_000, show_default=True, help="Line items to generate.")
@click.option("--seed", type=int, default=7, show_default=True, help="Generator seed.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("bench-data"),
    show_default=True,
    help="Working folder (generated files, DuckDB file, logs).",
)
@click.option("--reuse/--no-reuse", default=True, show_default=True, help="Reuse generated files of a previous run.")
@click.option(
    "--restated/--no-restated",
    default=True,
    show_default=True,
    help="Also time loading one restated month and the incremental rebuild it triggers.",
)
@click.option(
    "--pages/--no-pages",
    default=True,
    show_default=True,
    help="Also time every dashboard page against the marts built (cold and warm render).",
)
@click.option(
    "--replay/--no-replay",
    default=False,
    show_default=True,
    help="Then also time `cloudcost replay --reset` (8 weekly forecast vintages) and the build after it, so the "
    "forecast pages are timed with data.",
)
def bench(rows: int, seed: int, out: Path, reuse: bool, restated: bool, pages: bool, replay: bool) -> None:
    """Generate N line items (legacy Parquet), load them into a fresh DuckDB file, build, and print figures.

    Prints rows/s for load and build, each phase's peak memory, the ratio of build time to one bare
    DuckDB scan-and-aggregate of the same raw Parquet files (the floor any pipeline must pay), and the
    median cold and warm render time of each dashboard page on the marts built.

    The generated finance files are loaded with their sign-offs (as in `cloudcost demo`) so the finance
    pages have data. Forecast vintages need a replay of the history: without --replay the forecast page shows
    its empty state (counted in the page table's "empty sections").
    """
    from cloudcost.generator import FINANCE_FILES, generated_files, latest_deliveries
    from cloudcost.generator import deliveries as list_deliveries

    folder = (out / f"rows-{rows}-seed-{seed}").resolve()
    data = folder / "cur"
    log = folder / "bench.log"
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["CLOUDCOST_TARGET"] = "duckdb"
    env["CLOUDCOST_DUCKDB_PATH"] = str(folder / "bench.duckdb")
    for stale in folder.glob("bench.duckdb*"):
        stale.unlink()
    click.echo(f"cloudcost bench: {rows:,} line items in {folder} (log: {log})")

    phases: list[Phase] = []
    if not (reuse and (data / "generation.json").exists()):
        phases.append(
            run_phase(
                "generate",
                [
                    "generate",
                    "--out",
                    str(data),
                    "--format",
                    "legacy_parquet",
                    "--rows",
                    str(rows),
                    "--seed",
                    str(seed),
                ],
                env,
                log,
            )
        )
    # the generated demo company is the company folder of every phase (written by older generations too)
    from cloudcost.generator.company_folder import demo_company_dir, write_demo_company

    if not (demo_company_dir(data) / "cloudcost.yml").is_file():
        write_demo_company(data)
    env["CLOUDCOST_COMPANY_DIR"] = str(demo_company_dir(data))
    current = latest_deliveries(data)
    current_files = [f for path in current for f in (parquet_files(path) if path.is_dir() else [path])]
    loaded_rows = count_rows(current_files)
    load = run_phase("load", ["load", "--quiet", *map(str, current)], env, log)
    phases.append(load)
    finance_files = generated_files(data, FINANCE_FILES)
    if len(finance_files) == len(FINANCE_FILES):  # an older generation without sign-offs would fail the close
        phases.append(run_phase("load finance", ["load-finance", *map(str, finance_files)], env, log))
    build = run_phase("build", ["build"], env, log)
    phases.append(build)
    # the same build again with nothing new loaded: `cloudcost build` finds the same input fingerprint
    noop = run_phase("no-op rebuild", ["build"], env, log)
    phases.append(noop)
    floor = scan_floor_seconds(current_files)

    incremental: Phase | None = None
    if restated:
        restated_paths = [d.path for d in list_deliveries(data) if d.kind == "restated"]
        if restated_paths:
            phases.append(run_phase("load restated month", ["load", "--quiet", str(restated_paths[-1])], env, log))
            incremental = run_phase("incremental build", ["build"], env, log)
            phases.append(incremental)

    if replay:
        phases.append(run_phase("replay", ["replay", "--data", str(data), "--reset"], env, log))
        phases.append(run_phase("build after replay", ["build"], env, log))

    summary = {
        "rows": loaded_rows,
        "phases": {p.name: {"seconds": round(p.seconds, 2), "max_rss_mib": round(p.max_rss_mib, 1)} for p in phases},
        "load_rows_per_second": round(loaded_rows / load.seconds),
        "build_rows_per_second": round(loaded_rows / build.seconds),
        "scan_floor_seconds": round(floor, 3),
        "build_to_scan_ratio": round(build.seconds / floor, 1),
        "noop_rebuild_to_full_build_ratio": round(noop.seconds / build.seconds, 3),
    }
    if incremental is not None:
        summary["incremental_to_full_build_ratio"] = round(incremental.seconds / build.seconds, 2)
    page_timings = []
    if pages:
        click.echo("  pages: every dashboard page, cold and warm (median of 3)")
        page_timings, page_table = bench_dashboard_pages(folder)
        summary["pages"] = page_timings
    (folder / "bench.json").write_text(json.dumps(summary, indent=2))

    click.echo("")
    click.echo(f"{'phase':<22}{'seconds':>10}{'peak MiB':>12}")
    for phase in phases:
        click.echo(f"{phase.name:<22}{phase.seconds:>10.1f}{phase.max_rss_mib:>12.0f}")
    click.echo("")
    click.echo(f"line items loaded           {loaded_rows:,}")
    click.echo(f"load throughput             {summary['load_rows_per_second']:,} rows/s")
    click.echo(f"build throughput            {summary['build_rows_per_second']:,} rows/s")
    click.echo(f"bare scan-and-aggregate     {floor:.3f} s (median of 3)")
    click.echo(f"build / scan ratio          {summary['build_to_scan_ratio']}x")
    click.echo(f"no-op rebuild / full build  {summary['noop_rebuild_to_full_build_ratio']}x ({noop.seconds:.1f} s)")
    if incremental is not None:
        click.echo(f"incremental / full build    {summary['incremental_to_full_build_ratio']}x (one restated month)")
    if page_timings:
        click.echo("")
        click.echo(page_table)
    click.echo(f"figures saved to {folder / 'bench.json'}")
    if any(timing["errors"] for timing in page_timings):
        raise click.ClickException("a dashboard page raised an error during the benchmark (see the table above)")
