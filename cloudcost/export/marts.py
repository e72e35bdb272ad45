"""The public marts and their documented columns, read from the marts' YAML files (no dbt parse needed)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from cloudcost.settings import PROJECT_ROOT

MARTS_DIR = PROJECT_ROOT / "models" / "marts"


@dataclass(frozen=True)
class PublicMart:
    name: str
    columns: tuple[str, ...]

    @property
    def has_billing_period(self) -> bool:
        return "billing_period" in self.columns


def public_marts(marts_dir: Path = MARTS_DIR) -> dict[str, PublicMart]:
    """Every model with ``access: public``, by name, with the columns its YAML documents."""
    found = {}
    for path in sorted(marts_dir.rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for entry in document.get("models") or []:
            if (entry.get("config") or {}).get("access") != "public":
                continue
            columns = tuple(str(column["name"]) for column in entry.get("columns") or [])
            found[entry["name"]] = PublicMart(entry["name"], columns)
    return found
