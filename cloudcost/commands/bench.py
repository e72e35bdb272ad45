"""`cloudcost bench`: measure generation, load, build, a no-op rebuild and a restated month on N generated lines.

Each phase runs as its own process (``cloudcost.bench_measure``): CPU seconds of its whole process tree, wall
seconds, peak resident memory of the tree, rows per second. Two floors are measured in the same run
(``cloudcost.bench_floors``): a bare Parquet -> table copy of the files loaded (the load's floor) and one
single-pass daily cost mart from the raw table (the build's). The no-op rebuild and the restated month's
incremental build are compared with the full build and with building that month alone (a fresh warehouse
holding only it). Generated files are reused across runs (one folder per rows and seed). The dashboard's pages
are then rendered against the marts built (cold and warm, see ``streamlit_app.bench``, run as a subprocess:
the package never imports the app).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import click

from cloudcost.bench_measure import Measurement, run_measured
from cloudcost.generator.deliveries import Delivery
from cloudcost.settings import PROJECT_ROOT, Settings, load_settings

WAREHOUSE_VARIABLES = {"duckdb": "CLOUDCOST_DUCKDB_PATH", "spark": "CLOUDCOST_SPARK_WAREHOUSE"}


@dataclass
class BenchRun:
    folder: Path
    env: dict[str, str]
    log: Path
    target: str = "duckdb"
    phases: list[Measurement] = field(default_factory=list)
    loaded: int = 0  # line items of the first load
    slowest: list[tuple[str, float]] = field(default_factory=list)  # slowest nodes of the full build

    def warehouse(self, name: str) -> Path:
        """A warehouse of this run: a DuckDB file, or a Spark warehouse folder."""
        return self.folder / (f"{name}.duckdb" if self.target == "duckdb" else f"spark-{name}")

    def settings(self, warehouse: Path) -> Settings:
        base = load_settings(self.target)
        if self.target == "duckdb":
            return replace(base, duckdb_path=warehouse)
        return replace(base, spark_warehouse=warehouse)

    def cli(self, name: str, args: list[str], rows: int | None = None, warehouse: Path | None = None) -> Measurement:
        """`python -m cloudcost.cli ARGS` as one measured phase (on ``warehouse``, else the bench warehouse)."""
        env = dict(self.env)
        if warehouse is not None:
            env[WAREHOUSE_VARIABLES[self.target]] = str(warehouse)
        click.echo(f"  {name}: cloudcost {' '.join(args)[:100]}")
        return self._run(name, [sys.executable, "-m", "cloudcost.cli", *args], env, rows)

    def floor(self, name: str, args: list[str], rows: int) -> Measurement:
        click.echo(f"  {name}")
        return self._run(name, [sys.executable, "-m", "cloudcost.bench_floors", *args], self.env, rows)

    def _run(self, name: str, command: list[str], env: dict[str, str], rows: int | None) -> Measurement:
        try:
            measured = run_measured(name, command, env, self.log, PROJECT_ROOT, rows)
        except RuntimeError as error:
            raise click.ClickException(str(error)) from error
        self.phases.append(measured)
        click.echo(
            f"    {measured.cpu_seconds:.1f} CPU s, {measured.wall_seconds:.1f} s wall, "
            f"peak {measured.peak_rss_mib:,.0f} MiB"
        )
        return measured


def count_rows(files: list[Path]) -> int:
    import duckdb

    con = duckdb.connect()
    try:
        found = con.execute("select count(*) from read_parquet(?, union_by_name = true)", [[str(f) for f in files]])
        return int(found.fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def parquet_files(paths: list[Path]) -> list[Path]:
    return sorted(f for path in paths for f in (path.rglob("*.parquet") if path.is_dir() else [path]))


def bench_dashboard_pages(folder: Path, warehouse: Path) -> tuple[list[dict[str, object]], str]:
    """Every page's timings and the printed table, from the app's own benchmark (the package never imports
    the app)."""
    out = folder / "pages.json"
    command = [sys.executable, "-m", "streamlit_app.bench", str(warehouse), "3", "--json", str(out)]
    completed = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise click.ClickException(f"the dashboard benchmark failed:\n{completed.stdout}{completed.stderr}")
    return json.loads(out.read_text()), completed.stdout.rstrip()


def ratio(numerator: float, denominator: float | None) -> float | None:
    return round(numerator / denominator, 2) if denominator else None


def model_timings(settings: Settings, top: int = 12) -> list[tuple[str, float]]:
    """The slowest nodes of the last dbt run on the warehouse of ``settings`` (from its run_results.json)."""
    from cloudcost.dbt_runner import dbt_target_path

    results = dbt_target_path(settings) / "run_results.json"
    if not results.is_file():
        return []
    nodes = json.loads(results.read_text()).get("results", [])
    timed = [(str(node["unique_id"]), float(node.get("execution_time") or 0.0)) for node in nodes]
    return sorted(timed, key=lambda item: -item[1])[:top]


def generate_once(run: BenchRun, data: Path, rows: int, seed: int, reuse: bool) -> None:
    """Generate (in chunks: the generator's memory does not grow with N) unless this rows+seed exists."""
    if reuse and (data / "generation.json").exists():
        click.echo(f"  generate: reusing {data}")
        return
    args = ["generate", "--out", str(data), "--format", "legacy_parquet", "--rows", str(rows), "--seed", str(seed)]
    run.cli("generate", args, rows=rows)


def first_load(all_deliveries: list[Delivery], restated: Delivery | None) -> list[Path]:
    """Per billing period its latest delivery, except the restated month's: the delivery before the restatement
    (so that loading the restatement afterwards replaces a month)."""
    chosen: dict[str, Delivery] = {}
    for delivery in all_deliveries:  # in delivery order: the last one kept is the newest
        later = restated is not None and delivery.sequence >= restated.sequence
        if later and delivery.billing_period == restated.billing_period:  # type: ignore[union-attr]
            continue
        chosen[delivery.billing_period] = delivery
    return [chosen[period].path for period in sorted(chosen)]


def split_sign_offs(sign_offs: Path, restated: Delivery | None, folder: Path) -> tuple[Path, Path | None]:
    """(sign-offs to load first, the restated month's own sign-offs to load with it): a sign-off names the
    delivery it accepts, so the restated month's is loaded after the restatement."""
    if restated is None:
        return sign_offs, None
    import csv

    with sign_offs.open(newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    period = header.index("period")
    before = folder / "sign_offs_before_restatement.csv"
    with before.open("w", newline="") as handle:
        csv.writer(handle).writerows([header, *(row for row in body if row[period] != restated.billing_period)])
    return before, sign_offs


def restated_phases(run: BenchRun, restated: Delivery, sign_offs: Path | None) -> dict[str, float | None]:
    """Load the restated month (and its sign-off) and rebuild; then build a fresh warehouse holding that month
    alone."""
    path, rows = str(restated.path), restated.row_count
    run.cli("load restated month", ["load", "--quiet", path])
    if sign_offs is not None:
        run.cli("load its sign-off", ["load-finance", str(sign_offs)])
    incremental = run.cli("incremental build", ["build"], rows=rows)
    alone = run.warehouse("month-alone")
    run.cli("load month alone", ["load", "--quiet", path], warehouse=alone)
    try:
        month = run.cli("build month alone", ["build"], rows=rows, warehouse=alone)
    except click.ClickException as error:
        click.echo(f"  build month alone failed ({error.message}); no ratio to it")
        month = None
    full = next(p for p in run.phases if p.name == "build")
    return {
        "incremental_to_full_build_cpu": ratio(incremental.cpu_seconds, full.cpu_seconds),
        "incremental_to_full_build_wall": ratio(incremental.wall_seconds, full.wall_seconds),
        "incremental_to_month_alone_cpu": ratio(incremental.cpu_seconds, month.cpu_seconds if month else None),
        "incremental_to_month_alone_wall": ratio(incremental.wall_seconds, month.wall_seconds if month else None),
    }


def print_summary(summary: dict, phases: list[Measurement]) -> None:
    click.echo("")
    click.echo(f"{'phase':<24}{'CPU s':>9}{'wall s':>9}{'peak MiB':>10}{'rows/s':>11}")
    for phase in phases:
        rate = phase.rows_per_second
        shown = f"{rate:,.0f}" if rate else ""
        line = f"{phase.name:<24}{phase.cpu_seconds:>9.1f}{phase.wall_seconds:>9.1f}{phase.peak_rss_mib:>10.0f}"
        click.echo(f"{line}{shown:>11}")
    click.echo("")
    click.echo(f"line items loaded                 {summary['rows']:,}")
    for key, value in summary["ratios"].items():
        click.echo(f"{key.replace('_', ' '):<34}{value if value is not None else 'n/a'}")
    if summary.get("slowest_nodes"):
        click.echo(
            "slowest nodes of the full build (s): "
            + ", ".join(f"{name.split('.')[-1]} {seconds:.1f}" for name, seconds in summary["slowest_nodes"][:8])
        )


def prepare_run(out: Path, rows: int, seed: int, target: str) -> tuple[BenchRun, Path]:
    """The run's folder (one per rows, seed and target; stale warehouses removed) and the bench warehouse."""
    import shutil

    base = (out / f"rows-{rows}-seed-{seed}").resolve()
    # the generated files are shared by both targets' runs; each target keeps its own warehouses and figures
    folder = base if target == "duckdb" else base / target
    folder.mkdir(parents=True, exist_ok=True)
    for stale in [*folder.glob("*.duckdb*"), *folder.glob("spark-*")]:
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    run = BenchRun(folder, {**os.environ, "CLOUDCOST_TARGET": target}, folder / "bench.log", target)
    warehouse = run.warehouse("bench")
    run.env[WAREHOUSE_VARIABLES[target]] = str(warehouse)
    if target == "spark":  # the dashboard's copy of the marts, beside the Spark warehouse
        run.env.pop("CLOUDCOST_DASHBOARD_DB", None)
    return run, warehouse


def load_and_build(run: BenchRun, data: Path, warehouse: Path, restated: bool) -> dict[str, float | None]:
    """Floors, load, finance files, build, no-op rebuild and (optionally) the restated month; the ratios."""
    from cloudcost.generator import FINANCE_FILES, generated_files
    from cloudcost.generator import deliveries as list_deliveries

    all_deliveries = list_deliveries(data)
    restatements = [d for d in all_deliveries if d.kind == "restated" and d.latest] if restated else []
    last_restated = restatements[-1] if restatements else None
    current = first_load(all_deliveries, last_restated)
    files = parquet_files(current)
    loaded = count_rows(files)
    folder = run.folder
    copy = run.floor("floor: bare Parquet copy", ["copy", str(folder / "floor-copy.duckdb"), *map(str, files)], loaded)
    load = run.cli("load", ["load", "--quiet", *map(str, current)], rows=loaded)
    finance_files = generated_files(data, FINANCE_FILES)
    later_sign_offs = None
    if len(finance_files) == len(FINANCE_FILES):  # an older generation without sign-offs would fail the close
        first_sign_offs, later_sign_offs = split_sign_offs(finance_files[-1], last_restated, folder)
        run.cli("load finance", ["load-finance", *map(str, [*finance_files[:-1], first_sign_offs])])
    build = run.cli("build", ["build"], rows=loaded)
    run.slowest = model_timings(run.settings(warehouse))
    noop = run.cli("no-op rebuild", ["build"])
    mart = run.floor("floor: one-pass daily mart", ["mart", str(folder / "floor-mart.duckdb"), str(warehouse)], loaded)
    ratios: dict[str, float | None] = {
        "load_cpu_to_bare_copy": ratio(load.cpu_seconds, copy.cpu_seconds),
        "load_wall_to_bare_copy": ratio(load.wall_seconds, copy.wall_seconds),
        "build_cpu_to_one_pass_mart": ratio(build.cpu_seconds, mart.cpu_seconds),
        "build_wall_to_one_pass_mart": ratio(build.wall_seconds, mart.wall_seconds),
        "noop_rebuild_to_full_build_wall": ratio(noop.wall_seconds, build.wall_seconds),
        "noop_rebuild_wall_seconds": round(noop.wall_seconds, 2),
    }
    run.loaded = loaded
    if last_restated is not None:
        ratios.update(restated_phases(run, last_restated, later_sign_offs))
    return ratios


@click.command()
@click.option(
    "--target",
    type=click.Choice(sorted(WAREHOUSE_VARIABLES)),
    default="duckdb",
    show_default=True,
    help="Engine to build on: a fresh DuckDB file, or a fresh local Spark warehouse (docs/spark.md).",
)
@click.option("--rows", type=int, default=1_000_000, show_default=True, help="Line items to generate.")
@click.option("--seed", type=int, default=7, show_default=True, help="Generator seed.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("bench-data"),
    show_default=True,
    help="Working folder (generated files, warehouses, logs).",
)
@click.option("--reuse/--no-reuse", default=True, show_default=True, help="Reuse generated files of a previous run.")
@click.option(
    "--restated/--no-restated",
    default=True,
    show_default=True,
    help="Also time loading one restated month, the incremental rebuild it triggers and building that month alone.",
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
def bench(target: str, rows: int, seed: int, out: Path, reuse: bool, restated: bool, pages: bool, replay: bool) -> None:
    """Generate N line items (legacy Parquet), load them into a fresh warehouse, build, and print figures.

    Per phase: CPU seconds (whole process tree, a Spark JVM included), wall seconds, peak memory and rows/s; the
    load's CPU against a bare Parquet -> table copy of the same files, the build's against one single-pass daily
    cost mart from the raw table (both in DuckDB, whatever the target); the no-op rebuild and the restated month
    against the full build and that month built alone. DuckDB's memory and threads follow
    CLOUDCOST_DUCKDB_MEMORY_LIMIT / CLOUDCOST_DUCKDB_THREADS (docs/performance.md); Spark's its CLOUDCOST_SPARK_*
    settings (docs/spark.md). Each target keeps its figures in its own folder; the generated files are shared.
    """
    from cloudcost.generator.company_folder import demo_company_dir, write_demo_company

    run, warehouse = prepare_run(out, rows, seed, target)
    data = (out / f"rows-{rows}-seed-{seed}").resolve() / "cur"
    click.echo(f"cloudcost bench: {rows:,} line items on {target} in {run.folder} (log: {run.log})")
    generate_once(run, data, rows, seed, reuse)
    if not (demo_company_dir(data) / "cloudcost.yml").is_file():
        write_demo_company(data)
    run.env["CLOUDCOST_COMPANY_DIR"] = str(demo_company_dir(data))
    ratios = load_and_build(run, data, warehouse, restated)
    if replay:
        run.cli("replay", ["replay", "--data", str(data), "--reset"])
        run.cli("build after replay", ["build"])
    summary = {
        "target": target,
        "rows": run.loaded,
        "seed": seed,
        "phases": {p.name: p.as_dict() for p in run.phases},
        "ratios": ratios,
        "slowest_nodes": run.slowest,
        "disk_mib": round(sum(f.stat().st_size for f in run.folder.rglob("*") if f.is_file()) / (1 << 20), 1),
    }
    finish(run, summary, pages)


def finish(run: BenchRun, summary: dict, pages: bool) -> None:
    """Time the dashboard's pages (optionally), save and print the figures."""
    from cloudcost.publish import published_path

    page_timings: list[dict[str, object]] = []
    page_table = ""
    if pages:
        click.echo("  pages: every dashboard page, cold and warm (median of 3)")
        # a DuckDB warehouse is read as it is; a Spark build's marts from the file its build published
        settings = run.settings(Path(run.env[WAREHOUSE_VARIABLES[run.target]]))
        readable = settings.duckdb_path if run.target == "duckdb" else published_path(settings)
        page_timings, page_table = bench_dashboard_pages(run.folder, readable)
        summary["pages"] = page_timings
    (run.folder / "bench.json").write_text(json.dumps(summary, indent=2))
    print_summary(summary, run.phases)
    if page_timings:
        click.echo("")
        click.echo(page_table)
    click.echo(f"figures saved to {run.folder / 'bench.json'}")
    if any(timing["errors"] for timing in page_timings):
        raise click.ClickException("a dashboard page raised an error during the benchmark (see the table above)")
