"""The company folder's effective-dated files keep their history, checked like the product's seeds.

The folder's history is read from the git repository that holds it (usually the company's own repository,
not the product's): each effective-dated company file (one with a ``valid_from`` column) as it is at the base
ref is compared with the working copy by the same rules as ``seed_history`` (rows may only be closed by
setting their empty ``valid_to``; a changed rule is a new row). Comment lines do not count as rows.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from cloudcost.company.files import data_lines
from cloudcost.company.spec import company_files
from cloudcost.diff.trees import GitError, git, resolve_ref
from cloudcost.guard.seed_history import SeedFinding, SeedTable, compare_seed


def read_company_seed(path: Path) -> SeedTable:
    """A company file as the seed comparison reads it: values as text (empty = None), file line numbers."""
    lines = data_lines(path)
    if not lines:
        return SeedTable(columns=[], rows=[])
    parsed = list(csv.reader([text for _, text in lines]))
    names = [name.strip().lower() for name in parsed[0]]
    rows = []
    for (number, _), fields in zip(lines[1:], parsed[1:], strict=True):
        values = {name: (field if field != "" else None) for name, field in zip(names, fields, strict=False)}
        rows.append((number, values))
    return SeedTable(columns=names, rows=rows)


def show_in_folder(folder: Path, commit: str, name: str) -> bytes | None:
    """A file of ``folder`` as it is at ``commit`` of the repository holding the folder; None when absent."""
    top = Path(git(folder, "rev-parse", "--show-toplevel").decode().strip())
    prefix = git(folder, "rev-parse", "--show-prefix").decode().strip()
    try:
        return git(top, "show", f"{commit}:{prefix}{name}")
    except GitError:
        return None


def _in_git_repository(folder: Path) -> bool:
    try:
        git(folder, "rev-parse", "--show-toplevel")
    except GitError:
        return False
    return True


def check_company_history(company_dir: Path, ref: str) -> list[SeedFinding]:
    """Findings for every effective-dated company file on ``ref`` of the repository holding the folder."""
    label = company_dir.name or str(company_dir)
    if not _in_git_repository(company_dir):
        message = "the company folder is not in a git repository: its mapping history cannot be checked"
        return [SeedFinding(str(company_dir), message, False)]
    commit = resolve_ref(company_dir, ref)
    findings: list[SeedFinding] = []
    with tempfile.TemporaryDirectory(prefix="cloudcost-guard-company-") as scratch:
        for spec in company_files():
            if not spec.effective_dated:
                continue
            relative = f"{label}/{spec.file_name}"
            content = show_in_folder(company_dir, commit, spec.file_name)
            if content is None:
                continue
            base_copy = Path(scratch) / spec.file_name
            base_copy.write_bytes(content)
            head_path = company_dir / spec.file_name
            head = read_company_seed(head_path) if head_path.exists() else None
            findings += compare_seed(relative, read_company_seed(base_copy), head, ref)
    return findings
