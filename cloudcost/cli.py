"""The `cloudcost` command line: generate, load, build, demo, docs, bench, dashboard."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import click

from cloudcost import __version__
from cloudcost.cli_errors import run_standalone

# name -> "module:attribute"; imported only when the command runs, so `cloudcost --help` stays quick.
COMMANDS: dict[str, str] = {
    "generate": "cloudcost.generator.command:generate",
    "load": "cloudcost.loader.command:load",
    "load-finance": "cloudcost.finance.command:load_finance",
    "load-forecasts": "cloudcost.forecasts.command:load_forecasts",
    "replay": "cloudcost.forecasts.replay:replay",
    "forecast": "cloudcost.forecasts.forecast_command:forecast",
    "backtest": "cloudcost.forecasts.backtest_command:backtest",
    "build": "cloudcost.commands.build:build",
    "check": "cloudcost.commands.check:check",
    "demo": "cloudcost.commands.demo:demo",
    "docs": "cloudcost.commands.docs:docs",
    "bench": "cloudcost.commands.bench:bench",
    "dashboard": "cloudcost.commands.dashboard:dashboard",
    "diff": "cloudcost.diff.command:diff",
    "guard": "cloudcost.guard.command:guard",
    "init": "cloudcost.company.init_command:init",
    "mappings": "cloudcost.mappings.command:mappings",
    "export": "cloudcost.export.command:export",
    "metrics": "cloudcost.commands.metrics:metrics",
    "anomalies": "cloudcost.anomalies.command:anomalies",
}

SHORT_HELP: dict[str, str] = {
    "generate": "Write a realistic synthetic CUR (legacy CSV, legacy Parquet or CUR 2.0) with finance files.",
    "load": "Load CUR files or folders into the warehouse, replacing each billing period atomically.",
    "load-finance": "Load invoices, general ledger, business volumes, close calendar and sign-offs (CSV).",
    "load-forecasts": "Load usage and finance forecast files (CSV) produced elsewhere, validated.",
    "replay": "Replay the generated history day by day: load, forecast as of that day, snapshot vintages.",
    "forecast": "Forecast daily host-type usage with statistical models (statsforecast), loaded as a source.",
    "backtest": "Forecast as of past dates from the built warehouse and score them (a track record on day one).",
    "build": "Build seeds, models and snapshots with the money checks (one dbt build); no-op when nothing changed.",
    "check": "Run every dbt test and unit test on an up-to-date build (what CI runs).",
    "demo": "Generate sample data, replay its history, load its finance files, build, then open the dashboard.",
    "docs": "Generate the dbt docs as one static HTML file.",
    "bench": "Measure load and build throughput and dashboard page render times on N generated line items.",
    "dashboard": "Serve the Streamlit dashboard for Finance.",
    "diff": "Compare the marts' key numbers between a git ref and the working tree, as a Markdown report.",
    "guard": "Fail when mapping seed history is rewritten or a public model's contract breaks unversioned.",
    "init": "Write a starter company folder (cloudcost.yml, mapping rules, targets) to adopt cloudcost.",
    "mappings": "Check what the company's mapping rules leave unallocated (mappings check).",
    "export": "Write a public mart to CSV or Parquet, filtered by period and documented columns.",
    "metrics": "Query the MetricFlow metrics (parses the project with the right profile first).",
    "anomalies": "Print the open cost anomalies of the latest build (text or JSON); --fail-on-new for alerting.",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise click.ClickException(f"{target} is not a click command")
        return command

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Standalone runs print every input and I/O problem as one ``Error:`` line (exit code 2)."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        return run_standalone(lambda: super(LazyGroup, self).main(*args, standalone_mode=False, **kwargs))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SHORT_HELP[name]) for name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cloudcost")
@click.option(
    "--company",
    "company_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="CLOUDCOST_COMPANY_DIR",
    default=None,
    help="Your company folder (mappings, targets, budgets, sign-offs); also CLOUDCOST_COMPANY_DIR.",
)
@click.pass_context
def main(ctx: click.Context, company_dir: Path | None) -> None:
    """cloudcost: AWS Cost and Usage Report files to one tested, documented set of numbers.

    \b
    Environment:
      CLOUDCOST_TARGET       duckdb (default) or postgres
      CLOUDCOST_DUCKDB_PATH  DuckDB file (default warehouse/cloudcost.duckdb)
      PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE   Postgres connection (target postgres)
      CLOUDCOST_COMPANY_DIR  your company folder (same as --company)
    """
    if company_dir is not None:
        # every command reads it through load_settings(); one place decides. Restored when the command ends,
        # so an in-process invocation (tests, scripts) does not leak it into the next one.
        previous = os.environ.get("CLOUDCOST_COMPANY_DIR")
        os.environ["CLOUDCOST_COMPANY_DIR"] = str(company_dir.resolve())
        ctx.call_on_close(lambda: _restore("CLOUDCOST_COMPANY_DIR", previous))


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


if __name__ == "__main__":
    main()
