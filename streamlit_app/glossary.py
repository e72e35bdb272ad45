"""Definitions of the shared terms, from the same ``{% docs %}`` blocks that dbt docs shows.

The compiled manifest (``target/manifest.json``, written by every dbt parse/build) is read when present;
otherwise the blocks are read from the project's docs paths (``docs/`` and ``models/``) with a regex over
the simple ``{% docs name %} ... {% enddocs %}`` syntax.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOCS_PATHS = ("docs", "models")
_BLOCK = re.compile(r"{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%}(.*?){%-?\s*enddocs\s*-?%}", re.DOTALL)


def manifest_path() -> Path:
    """dbt's manifest: under ``$DBT_TARGET_PATH`` (dbt's own variable), else the dbt target folder of the
    warehouse the dashboard reads (``cloudcost.dbt_runner.dbt_target_path``)."""
    configured = os.environ.get("DBT_TARGET_PATH")
    if configured:
        target = Path(configured)
        return (target if target.is_absolute() else PROJECT_ROOT / target) / "manifest.json"
    from cloudcost.dbt_runner import dbt_target_path
    from cloudcost.settings import load_settings

    return dbt_target_path(load_settings()) / "manifest.json"


def blocks_from_manifest(path: Path) -> dict[str, str]:
    manifest = json.loads(path.read_text())
    project = manifest.get("metadata", {}).get("project_name")
    return {
        entry["name"]: entry.get("block_contents", "").strip()
        for entry in manifest.get("docs", {}).values()
        if (project is None or entry.get("package_name") == project) and not entry["name"].startswith("__")
    }


def blocks_from_files(files: Iterable[Path]) -> dict[str, str]:
    blocks: dict[str, str] = {}
    for path in files:
        for name, body in _BLOCK.findall(path.read_text(encoding="utf-8")):
            blocks[name] = body.strip()
    return blocks


def docs_files(root: Path = PROJECT_ROOT) -> list[Path]:
    return sorted(path for folder in DOCS_PATHS for path in (root / folder).rglob("*.md"))


_LOADED: dict[tuple[str, int | None], dict[str, str]] = {}


def load_blocks() -> dict[str, str]:
    """Every docs block by name, read once per manifest (again when dbt writes a new one). Kept in the
    process, not in Streamlit's cache, so that the server can load it before the first session
    (``streamlit_app.serve``)."""
    path = manifest_path()
    try:
        stamp: int | None = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    key = (str(path), stamp)
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = _read_blocks(path if stamp is not None else None)
    return _LOADED[key]


def _read_blocks(manifest: Path | None) -> dict[str, str]:
    if manifest is not None:
        try:
            blocks = blocks_from_manifest(manifest)
            if blocks:
                return blocks
        except (OSError, ValueError, KeyError):
            pass
    return blocks_from_files(docs_files())


def definition(term: str, fallback: str = "") -> str:
    """The docs block ``term`` (markdown), or ``fallback`` when no block of that name exists."""
    return load_blocks().get(term) or fallback


def first_definition(terms: Iterable[str], fallback: str = "") -> str:
    """The first of several possible block names that exists (names differ between projects' docs)."""
    blocks = load_blocks()
    return next((blocks[t] for t in terms if blocks.get(t)), fallback)
