"""`cloudcost metrics ARGS…`: MetricFlow's `mf` with this project's profile and a fresh parse.

``mf`` reads the semantic manifest of the last ``dbt parse`` and the dbt profile named in dbt_project.yml; from
a fresh clone neither exists where ``mf`` looks. This wrapper parses the project (with the company folder
placed, like every other command) and runs ``mf`` from the project root with the CLI's profiles directory, so
``cloudcost metrics query --metrics amortized_cost --group-by metric_time__month,cost_daily_row__currency``
works verbatim. Every argument after ``metrics`` goes to ``mf`` unchanged.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from cloudcost.commands.options import settings_for
from cloudcost.company.folder import SEEDS_ENV, company_seeds_folder
from cloudcost.dbt_runner import profiles_dir, run_dbt
from cloudcost.settings import PROJECT_ROOT


def mf_executable() -> str:
    candidate = Path(sys.executable).parent / "mf"
    return str(candidate) if candidate.exists() else "mf"


@click.command(
    "metrics",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
)
@click.argument("mf_args", nargs=-1, type=click.UNPROCESSED)
def metrics(mf_args: tuple[str, ...]) -> None:
    """Run MetricFlow (`mf ARGS…`, e.g. `query --metrics amortized_cost --group-by metric_time__month`)
    against the configured warehouse, after parsing the project. `cloudcost metrics --help` shows mf's help."""
    settings = settings_for(None)
    # mf reads the semantic manifest from the project's own target/ (it does not follow DBT_TARGET_PATH)
    os.environ["DBT_TARGET_PATH"] = str(PROJECT_ROOT / "target")
    parsed = run_dbt(["parse"], settings, quiet=True)
    if not parsed.success:
        raise click.ClickException(f"dbt parse failed: {parsed.exception or 'see the dbt log'}")
    environment = dict(os.environ)
    environment.update(
        {
            "DBT_PROFILES_DIR": str(profiles_dir()),
            "DBT_PROJECT_DIR": str(PROJECT_ROOT),
            "CLOUDCOST_TARGET": settings.target,
            "CLOUDCOST_DUCKDB_PATH": str(settings.duckdb_path),
            SEEDS_ENV: str(company_seeds_folder(PROJECT_ROOT, settings.company_dir).relative_to(PROJECT_ROOT)),
        }
    )
    completed = subprocess.run(
        [mf_executable(), *(mf_args or ("--help",))], cwd=PROJECT_ROOT, env=environment, check=False
    )
    raise SystemExit(completed.returncode)
