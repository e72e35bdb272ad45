"""`cloudcost init DIR`: write the starter company folder (every file commented) for a company to adopt."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from cloudcost.company.spec import CONFIG_FILE, STARTER_DIR, company_files


def write_starter(folder: Path) -> list[Path]:
    """Copy the neutral starter into ``folder`` (created if needed); refuses to overwrite a company file."""
    names = [CONFIG_FILE, *(spec.file_name for spec in company_files())]
    existing = [name for name in names if (folder / name).exists()]
    if existing:
        raise click.UsageError(
            f"{folder} already holds {', '.join(existing)}: init writes a new company folder and never "
            "overwrites one. Choose an empty or new folder."
        )
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        shutil.copy(STARTER_DIR / name, folder / name)
        written.append(folder / name)
    return written


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Write a starter company folder in FOLDER: cloudcost.yml and the mapping, target and finance files.

    Every file starts with comments that say what it holds. Edit cloudcost.yml (company name, payers with
    their currency, tag keys, export location), commit the folder to your own repository, and point
    cloudcost at it with --company FOLDER or CLOUDCOST_COMPANY_DIR.
    """
    written = write_starter(folder)
    click.echo(f"cloudcost init: wrote {len(written)} files to {folder}")
    for path in written:
        click.echo(f"  {path.name}")
    click.echo("Next: edit cloudcost.yml, then")
    click.echo(f"  export CLOUDCOST_COMPANY_DIR={folder.resolve()}")
    click.echo("  cloudcost load ./cur/ && cloudcost build && cloudcost mappings check")
