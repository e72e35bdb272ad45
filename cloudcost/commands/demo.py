"""`cloudcost demo`: generate (or reuse) sample data, replay its history, load its finance files, build
everything, then serve the dashboard."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import click

from cloudcost.commands.build import build_all
from cloudcost.commands.options import settings_for, target_option
from cloudcost.generator.deliveries import FINANCE_FILES, FORECAST_FILES, generated_files
from cloudcost.settings import Settings

DEFAULT_SAMPLE_DIR = Path("sample-data")


def _reusable(out: Path, seed: int, rows: int, fmt: str) -> str | None:
    """None when ``out`` holds this generation with every file the demo loads; else why not."""
    data = json.loads((out / "generation.json").read_text())
    params = data.get("parameters", {})
    if (params.get("seed"), params.get("rows"), params.get("format")) != (seed, rows, fmt):
        return "it was generated with other parameters"
    files = data.get("files", {})
    missing = [kind for kind in (*FINANCE_FILES, *FORECAST_FILES) if not (out / files.get(kind, "?")).is_file()]
    if missing:
        return f"it lacks {', '.join(missing)} (an earlier version of the generator)"
    return None


def ensure_sample_data(out: Path, seed: int, rows: int, fmt: str, regenerate: bool) -> None:
    """Generate the sample CUR unless the same generation is already on disk."""
    from cloudcost.generator import Options, generate

    marker = out / "generation.json"
    if marker.exists() and not regenerate:
        reason = _reusable(out, seed, rows, fmt)
        if reason is None:
            click.echo(f"cloudcost demo: reusing sample data in {out}")
            return
        click.echo(f"cloudcost demo: not reusing {out}: {reason}")
    if out.exists() and any(out.iterdir()):
        if not marker.exists():
            raise click.ClickException(f"{out} is not empty and holds no earlier generation; choose another --data")
        shutil.rmtree(out)  # an earlier generation with other parameters
    click.echo(f"cloudcost demo: generating {rows:,} line items ({fmt}, seed {seed}) in {out}")
    result = generate(Options(out=out, flavour=fmt, rows=rows, seed=seed))
    click.echo(f"cloudcost demo: wrote {result.rows_written:,} line items in {result.seconds:.1f} s")


def demo_settings(settings: Settings, data_dir: Path) -> Settings:
    """The settings with the demo company's folder (written beside the sample CUR) as the company folder."""
    from dataclasses import replace

    from cloudcost.generator.company_folder import demo_company_dir, write_demo_company

    company = demo_company_dir(data_dir)
    if not (company / "cloudcost.yml").is_file():  # sample data generated before the company folder existed
        write_demo_company(data_dir)
    if settings.company_dir is not None and settings.company_dir.resolve() != company.resolve():
        click.echo(f"cloudcost demo: using the demo company {company}, not {settings.company_dir}")
    return replace(settings, company_dir=company.resolve())


def load_history(data_dir: Path, settings: Settings, replay: bool) -> None:
    """The CUR (replayed week by week into forecast vintages, or only its latest deliveries) and the
    forecast files."""
    if replay:
        from cloudcost.forecasts.history import ReplayError, replay_history

        click.echo(f"cloudcost demo: replaying the generated history into {settings.target} (one step a week)")
        try:
            summary = replay_history(data_dir, settings, reset=True, build_marts=False, echo=click.echo)
        except ReplayError as error:
            raise click.ClickException(f"replay: {error}") from error
        click.echo(summary.describe())
        return
    from cloudcost.forecasts.loading import load_forecast_files
    from cloudcost.generator import latest_deliveries
    from cloudcost.loader.api import load_paths

    current = latest_deliveries(data_dir)
    click.echo(f"cloudcost demo: loading {len(current)} deliveries into {settings.target}")
    click.echo(load_paths(current, settings).summary_table())
    forecast_files = generated_files(data_dir, FORECAST_FILES)
    if forecast_files:
        load_forecast_files(forecast_files, settings, check_host_types=False)


def load_finance(data_dir: Path, settings: Settings) -> None:
    """Invoices, ledger, business volumes, close calendar and the sign-offs of the deliberate exceptions."""
    from cloudcost.finance import load_finance_paths

    files = generated_files(data_dir, FINANCE_FILES)
    if not files:
        return
    report = load_finance_paths(files, settings)
    loaded = ", ".join(f"{file.kind} {file.row_count:,}" for file in report.files)
    click.echo(f"cloudcost demo: finance files loaded ({loaded} rows)")


@click.command()
@target_option
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_SAMPLE_DIR,
    show_default=True,
    help="Where the sample CUR is written (and reused from).",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Generator seed.")
@click.option("--rows", type=int, default=200_000, show_default=True, help="Approximate line items to generate.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["legacy_csv", "legacy_parquet", "cur2_parquet"]),
    default="cur2_parquet",
    show_default=True,
    help="CUR flavour of the sample data.",
)
@click.option("--regenerate", is_flag=True, help="Generate again even if matching sample data exists.")
@click.option(
    "--replay/--no-replay",
    default=True,
    show_default=True,
    help="Replay the last 8 weeks week by week so the forecast snapshots hold real vintages "
    "(--no-replay loads only the latest deliveries: faster, but no forecast accuracy).",
)
@click.option("--serve/--no-serve", default=True, show_default=True, help="Serve the dashboard at the end.")
def demo(
    target: str | None,
    data_dir: Path,
    seed: int,
    rows: int,
    fmt: str,
    regenerate: bool,
    replay: bool,
    serve: bool,
) -> None:
    """Generate a realistic synthetic company, replay its history, build everything, then open the dashboard.

    Steps: generate the sample CUR with its finance and forecast files (reused between runs); replay the
    last 8 weeks of CUR deliveries week by week, building and snapshotting the forecasts as of each week
    (the warehouse's raw CUR and forecast snapshots are emptied first); load the finance files with the
    sign-offs of the deliberate exceptions; run `cloudcost build` (money checks; `cloudcost check` runs every
    test). With --no-serve it stops after building (CI uses this).
    """
    started = time.perf_counter()
    ensure_sample_data(data_dir, seed, rows, fmt, regenerate)
    settings = demo_settings(settings_for(target), data_dir)
    load_history(data_dir, settings, replay)
    load_finance(data_dir, settings)
    build_all(settings)
    click.echo("")
    click.echo(f"cloudcost demo: done in {time.perf_counter() - started:.0f} s.")
    where = {
        "duckdb": str(settings.duckdb_path),
        "postgres": f"postgres database {settings.pg_database}",
        "spark": f"spark warehouse {settings.spark_warehouse}",
    }[settings.target]
    click.echo(f"  warehouse: {where}")
    click.echo(
        f"  company:   {settings.company_dir}   (rebuild with: cloudcost --company {settings.company_dir} build)"
    )
    click.echo("  dashboard: .venv/bin/cloudcost dashboard   (then open http://localhost:8501)")
    click.echo("  docs:      .venv/bin/cloudcost docs        (writes target/docs/index.html)")
    if serve:
        from cloudcost.commands.dashboard import serve as serve_dashboard

        raise SystemExit(serve_dashboard(settings.target, 8501, headless=True))
