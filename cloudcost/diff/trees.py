"""Source trees to compare: a git ref exported with `git archive`, and a copy of the working tree.

Both land in a scratch folder, so neither build writes into the user's checkout (no target/, logs/).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path


class GitError(RuntimeError):
    """A git command failed; the message names the command and git's own error."""


def git(project_dir: Path, *args: str) -> bytes:
    """Run git in ``project_dir`` and return its stdout; raise GitError with git's message on failure."""
    completed = subprocess.run(["git", "-C", str(project_dir), *args], capture_output=True, check=False)
    if completed.returncode != 0:
        message = completed.stderr.decode(errors="replace").strip()
        raise GitError(f"git {' '.join(args)} failed in {project_dir}: {message}")
    return completed.stdout


def repo_prefix(project_dir: Path) -> str:
    """Path of the project folder inside its git repository ('' at the top level), with a trailing '/'."""
    return git(project_dir, "rev-parse", "--show-prefix").decode().strip()


def resolve_ref(project_dir: Path, ref: str) -> str:
    """The commit id a ref names; a clear error when the ref is unknown."""
    try:
        return git(project_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except GitError as error:
        raise GitError(f"'{ref}' is not a commit of the repository at {project_dir}") from error


def ref_has_path(project_dir: Path, commit: str, relative_path: str) -> bool:
    prefix = repo_prefix(project_dir)
    listed = git(project_dir, "ls-tree", "--name-only", commit, "--", f"{prefix}{relative_path}")
    return bool(listed.strip())


def show_file(project_dir: Path, commit: str, relative_path: str) -> bytes | None:
    """A file's content at a commit (path relative to the project folder); None when it is not there."""
    prefix = repo_prefix(project_dir)
    if not ref_has_path(project_dir, commit, relative_path):
        return None
    return git(project_dir, "show", f"{commit}:{prefix}{relative_path}")


def list_files_at(project_dir: Path, commit: str, folder: str) -> list[str]:
    """Files under ``folder`` (relative to the project folder) at a commit, relative to the project folder."""
    prefix = repo_prefix(project_dir)
    listed = git(project_dir, "ls-tree", "-r", "--name-only", "-z", commit, "--", f"{prefix}{folder}")
    return [name[len(prefix) :] for name in listed.decode().split("\0") if name]


def export_ref(project_dir: Path, commit: str, destination: Path) -> Path:
    """Write the project folder as it is at ``commit`` into ``destination`` (git archive, read-only)."""
    prefix = repo_prefix(project_dir).rstrip("/")
    tree = f"{commit}:{prefix}" if prefix else commit
    archive = git(project_dir, "archive", "--format=tar", tree)
    destination.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as bundle:
        bundle.extractall(destination, filter="data")
    return destination


def working_tree_files(project_dir: Path) -> list[str]:
    """Tracked and untracked-but-not-ignored files of the working tree, relative to the project folder."""
    listed = git(project_dir, "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", ".")
    return sorted({name for name in listed.decode().split("\0") if name})


def copy_working_tree(project_dir: Path, destination: Path) -> Path:
    """Copy the working tree as it is now (uncommitted edits included, ignored files left out)."""
    destination.mkdir(parents=True, exist_ok=True)
    for relative in working_tree_files(project_dir):
        source = project_dir / relative
        if not source.is_file():  # deleted but still tracked
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return destination
