"""A scratch folder holding both source trees of a comparison, removed afterwards unless kept."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click

from cloudcost.diff.trees import copy_working_tree, export_ref, resolve_ref


@dataclass
class Workspace:
    """``root/base/src`` = the project at the base commit, ``root/head/src`` = the working tree."""

    project_dir: Path
    ref: str
    commit: str
    root: Path
    keep: bool

    @property
    def base_dir(self) -> Path:
        return self.root / "base"

    @property
    def head_dir(self) -> Path:
        return self.root / "head"

    @property
    def base_src(self) -> Path:
        return self.base_dir / "src"

    @property
    def head_src(self) -> Path:
        return self.head_dir / "src"

    @property
    def base_has_project(self) -> bool:
        return (self.base_src / "dbt_project.yml").exists()

    @property
    def short_commit(self) -> str:
        return self.commit[:10]

    def close(self) -> None:
        if self.keep:
            click.echo(f"scratch files kept in {self.root}", err=True)
        else:
            shutil.rmtree(self.root, ignore_errors=True)


def open_workspace(
    project_dir: Path, ref: str, work_dir: Path | None, keep: bool, label: str, show_progress: bool = True
) -> Workspace:
    """Resolve the ref, then export it and copy the working tree into a fresh scratch folder."""
    if not (project_dir / "dbt_project.yml").exists():
        raise click.UsageError(f"no dbt project at {project_dir}: pass --project-dir (a clone of the project)")
    commit = resolve_ref(project_dir, ref)
    if work_dir is None:
        root = Path(tempfile.mkdtemp(prefix=f"cloudcost-{label}-"))
    else:
        root = work_dir.resolve()
        if root.exists() and any(root.iterdir()):
            raise click.UsageError(f"--work-dir {root} is not empty")
        root.mkdir(parents=True, exist_ok=True)
    workspace = Workspace(project_dir=project_dir, ref=ref, commit=commit, root=root, keep=keep)
    if show_progress:
        click.echo(f"cloudcost {label}: {ref} is {workspace.short_commit}; exporting both trees", err=True)
    export_ref(project_dir, commit, workspace.base_src)
    copy_working_tree(project_dir, workspace.head_src)
    return workspace
