"""Get a company folder to dbt: validate every file, then place plain CSV copies where dbt reads seeds.

Why the CLI places them (rather than dbt reading the folder as a seed path): the files are validated through
the one input-error path (one line naming file, line, column and value) before dbt sees them; comments are
allowed in them; a folder written by an older ``cloudcost init`` still works (a company file it lacks comes
from the neutral starter); and models keep reading them as ``ref('<file stem>')``, so nothing else moves.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cloudcost.company.config import CompanyConfig, read_config
from cloudcost.company.files import CompanyFileError, CompanyTable, read_company_file
from cloudcost.company.spec import CONFIG_FILE, PROPERTIES_FILE, STARTER_DIR, company_files

SEEDS_FOLDER = Path(".cloudcost") / "company_seeds"  # relative to the dbt project (dbt_project.yml seed-paths)
SEEDS_ENV = "CLOUDCOST_COMPANY_SEEDS"  # dbt_project.yml reads the folder from it when set


@dataclass
class CompanyFolder:
    path: Path  # the folder read (the package's starter when the user has none)
    config: CompanyConfig
    tables: dict[str, CompanyTable]
    is_starter: bool


# company files read by the CLI, not placed as dbt seeds (each validated by its own reader)
CLI_FILES = ("reader_roles.csv",)


def _check_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise CompanyFileError(
            "company folder not found", file=folder, fix="Create one with `cloudcost init DIR` or fix --company"
        )
    if not (folder / CONFIG_FILE).is_file():
        raise CompanyFileError(
            f"is not a company folder: it has no {CONFIG_FILE}",
            file=folder,
            fix="Create one with `cloudcost init DIR`, or point --company at the folder holding cloudcost.yml",
        )
    # the seeds dbt reads, and the files the CLI reads itself (reader_roles.csv: cloudcost.reader_roles)
    known = {spec.file_name for spec in company_files()} | set(CLI_FILES)
    for path in sorted(folder.glob("*.csv")):
        if path.name not in known:
            raise CompanyFileError(
                "is not a company file",
                file=path,
                fix=f"Rename it to one of {', '.join(sorted(known))} or move it out of the folder",
            )


def read_company_folder(folder: Path | None) -> CompanyFolder:
    """Validate a company folder (None = the neutral starter); raises CompanyFileError at the first problem."""
    source = folder if folder is not None else STARTER_DIR
    _check_folder(source)
    tables = {}
    for spec in company_files():
        path = source / spec.file_name
        tables[spec.stem] = read_company_file(spec, path if path.is_file() else STARTER_DIR / spec.file_name)
    return CompanyFolder(source, read_config(source / CONFIG_FILE), tables, is_starter=folder is None)


def company_seeds_folder(project_dir: Path, folder: Path | None) -> Path:
    """Where the CLI places one company folder's seeds: one folder per company folder (the starter's too)."""
    key = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:12] if folder is not None else "starter"
    return project_dir / SEEDS_FOLDER.parent / f"{SEEDS_FOLDER.name}-{key}"


def place_company_seeds(folder: Path | None, project_dir: Path, destination: Path | None = None) -> CompanyFolder:
    """Validate the company folder and write its files as dbt seeds (by default in ``project_dir``'s
    ``.cloudcost/company_seeds``, the folder dbt reads when CLOUDCOST_COMPANY_SEEDS is not set)."""
    company = read_company_folder(folder)
    destination = destination or project_dir / SEEDS_FOLDER
    destination.parent.mkdir(parents=True, exist_ok=True)
    # several processes may place the same company at once (parallel builds, a test run's workers): each writes
    # its own staging folder, and the comparison and swap happen under a file lock
    staging = Path(tempfile.mkdtemp(prefix=destination.name + ".new-", dir=destination.parent))
    staging.chmod(0o755)  # as a folder made by mkdir: it becomes the seeds folder
    try:
        shutil.copy(PROPERTIES_FILE, staging / PROPERTIES_FILE.name)
        for stem, table in company.tables.items():
            (staging / f"{stem}.csv").write_text(table.as_csv_text())
        with _folder_lock(destination):
            _replace_if_changed(staging, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return company


@contextmanager
def _folder_lock(destination: Path) -> Iterator[None]:
    """An exclusive lock on ``<destination>.lock`` for the time of a swap (released when the process dies)."""
    with (destination.parent / (destination.name + ".lock")).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _replace_if_changed(staging: Path, destination: Path) -> None:
    """Swap the new files in; leave an identical folder untouched (dbt's partial parse keeps its cache)."""
    if destination.is_dir():
        old = {p.name: p.read_bytes() for p in destination.iterdir() if p.is_file()}
        new = {p.name: p.read_bytes() for p in staging.iterdir() if p.is_file()}
        if old == new:
            return
        retired = Path(tempfile.mkdtemp(prefix=destination.name + ".old-", dir=destination.parent))
        destination.rename(retired / destination.name)
        staging.rename(destination)
        shutil.rmtree(retired, ignore_errors=True)
        return
    staging.rename(destination)
