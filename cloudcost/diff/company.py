"""The company folder on each side of a comparison: the base side reads it as it was at the base ref.

The folder's history lives in the git repository that holds it (the company's own repository, or this one).
A mapping change made in the company folder then shows in ``cloudcost diff`` exactly like a change of SQL.
"""

from __future__ import annotations

from pathlib import Path

from cloudcost.company.spec import CONFIG_FILE, company_files
from cloudcost.diff.trees import GitError, git, resolve_ref


def company_at_ref(company_dir: Path | None, ref: str, destination: Path) -> Path | None:
    """Write the company folder as it is at ``ref`` into ``destination``; the working copy when it has no
    history there (not in a git repository, or not yet committed at that ref)."""
    from cloudcost.guard.company_history import show_in_folder

    if company_dir is None:
        return None
    try:
        git(company_dir, "rev-parse", "--show-toplevel")
        commit = resolve_ref(company_dir, ref)
    except GitError:
        return company_dir
    config = show_in_folder(company_dir, commit, CONFIG_FILE)
    if config is None:
        return company_dir
    destination.mkdir(parents=True, exist_ok=True)
    (destination / CONFIG_FILE).write_bytes(config)
    for spec in company_files():
        content = show_in_folder(company_dir, commit, spec.file_name)
        if content is not None:
            (destination / spec.file_name).write_bytes(content)
    return destination


def uses_company_seeds(project_dir: Path) -> bool:
    """Does this project version read the company folder (older versions kept company data in seeds/)?"""
    project_file = project_dir / "dbt_project.yml"
    return project_file.exists() and "company_seeds" in project_file.read_text()
