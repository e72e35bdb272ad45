"""Give every schema of a scratch project copy a prefix (Postgres: the two sides share one database).

The project's own ``generate_schema_name`` (if any) is renamed and wrapped by one that prepends the prefix
from the environment, so each side writes ``<prefix>_staging``, ``<prefix>_marts``, … and never the
user's own schemas. Only scratch copies are edited; :func:`check_schemas` proves the prefix took effect
before anything is built.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from cloudcost.diff.dbt_side import SCHEMA_PREFIX_ENV

INNER_MACRO = "cloudcost_diff_project_schema_name"
WRAPPER_FILE = "cloudcost_diff__schema_prefix.sql"
_DEFINITION = re.compile(r"(\{%-?\s*macro\s+)generate_schema_name(\s*\()")

_WRAPPER = (
    """{#- Written by `cloudcost diff` into its scratch copy only: prefix every schema of this side. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set prefix = env_var('"""
    + SCHEMA_PREFIX_ENV
    + """', '') -%}
    {%- set schema_name = (CALL | trim) -%}
    {%- if prefix -%}{{ prefix }}_{{ schema_name }}{%- else -%}{{ schema_name }}{%- endif -%}
{%- endmacro %}
"""
)


def macro_paths(project_dir: Path) -> list[Path]:
    project: dict[str, Any] = yaml.safe_load((project_dir / "dbt_project.yml").read_text()) or {}
    return [project_dir / folder for folder in project.get("macro-paths", ["macros"])]


def install_schema_prefix(project_dir: Path) -> None:
    """Rewrite the scratch project so its schemas honour the prefix environment variable."""
    renamed = False
    folders = [folder for folder in macro_paths(project_dir) if folder.is_dir()]
    for folder in folders:
        for path in folder.rglob("*.sql"):
            text = path.read_text()
            if _DEFINITION.search(text):
                path.write_text(_DEFINITION.sub(rf"\g<1>{INNER_MACRO}\g<2>", text))
                renamed = True
    inner = INNER_MACRO if renamed else "default__generate_schema_name"
    target_folder = folders[0] if folders else project_dir / "macros"
    target_folder.mkdir(parents=True, exist_ok=True)
    (target_folder / WRAPPER_FILE).write_text(_WRAPPER.replace("CALL", f"{inner}(custom_schema_name, node)"))


def check_schemas(manifest: dict[str, Any], prefix: str) -> list[str]:
    """Models, seeds and snapshots whose schema does not carry the prefix (must be empty to build)."""
    wrong = []
    for unique_id, node in manifest.get("nodes", {}).items():
        if node.get("resource_type") not in {"model", "seed", "snapshot"}:
            continue
        if not str(node.get("schema", "")).startswith(f"{prefix}_"):
            wrong.append(f"{unique_id} -> {node.get('schema')}")
    return wrong
