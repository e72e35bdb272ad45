"""`cloudcost demo`: generate (or reuse) sample data, load it, build everything, then serve the dashboard."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click

from cloudcost.commands.build import build_all
from cloudcost.commands.options import settings_for, target_option

DEFAULT_SAMPLE_DIR = Path("sample-data")


def ensure_sample_data(out: Path, seed: int, rows: int, fmt: str, regenerate: bool) -> None:
    """Generate the sample CUR unless the same generation is already on disk."""
    from cloudcost.generator import Options, generate

    marker = out / "generation.json"
    if marker.exists() and not regenerate:
        params = json.loads(marker.read_text()).get("parameters", {})
        if params.get("seed") == seed and params.get("rows") == rows and params.get("format") == fmt:
            click.echo(f"cloudcost demo: reusing sample data in {out}")
            return
    if out.exists() and any(out.iterdir()):
        if not marker.exists():
            raise click.ClickException(f"{out} is not empty and holds no earlier generation; choose another --data")
        shutil.rmtree(out)  # an earlier generation with other parameters
    click.echo(f"cloudcost demo: generating {rows:,} line items ({fmt}, seed {seed}) in {out}")
    result = generate(Options(out=out, flavour=fmt, rows=rows, seed=seed))
    click.echo(f"cloudcost demo: wrote {result.rows_written:,} line items in {result.seconds:.1f} s")


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
@click.option("--serve/--no-serve", default=True, show_default=True, help="Serve the dashboard at the end.")
def demo(
    target: str | None, data_dir: Path, seed: int, rows: int, fmt: str, regenerate: bool, serve: bool
) -> None:
    """Generate a realistic synthetic CUR, load it, run dbt seed + build, then open the dashboard.

    With --no-serve it stops after building (CI uses this). Sample data is reused between runs.
    """
    from cloudcost.generator import latest_deliveries
    from cloudcost.loader.api import load_paths

    settings = settings_for(target)
    ensure_sample_data(data_dir, seed, rows, fmt, regenerate)
    current = latest_deliveries(data_dir)
    click.echo(f"cloudcost demo: loading {len(current)} deliveries into {settings.target}")
    report = load_paths(current, settings)
    click.echo(report.summary_table())
    build_all(settings)
    click.echo("")
    click.echo("cloudcost demo: done.")
    where = settings.duckdb_path if settings.target == "duckdb" else f"postgres database {settings.pg_database}"
    click.echo(f"  warehouse: {where}")
    click.echo("  dashboard: .venv/bin/cloudcost dashboard   (then open http://localhost:8501)")
    click.echo("  docs:      .venv/bin/cloudcost docs        (writes target/docs/index.html)")
    if serve:
        from cloudcost.commands.dashboard import serve as serve_dashboard

        raise SystemExit(serve_dashboard(settings.target, 8501, headless=True))
