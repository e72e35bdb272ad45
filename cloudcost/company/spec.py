"""What a company folder may hold: the company files, their columns, types and required values, as data.

The one source is ``_company__seeds.yml`` beside this module: it is dbt's own properties file for the company
seeds (column types, tests, docs), copied next to the validated CSV files so dbt reads it, and read here to
validate a file before dbt sees it. A column is required when it has a ``not_null`` test; its type is its
``column_types`` entry. Adding a company file = adding an entry there (and its starter in ``starter/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
PROPERTIES_FILE = PACKAGE_DIR / "_company__seeds.yml"
STARTER_DIR = PACKAGE_DIR / "starter"
CONFIG_FILE = "cloudcost.yml"

# column_types spellings -> the kind of value the validator checks
_KINDS = {
    "text": "text",
    "varchar": "text",
    "integer": "integer",
    "bigint": "integer",
    "double precision": "number",
    "double": "number",
    "decimal(38,10)": "number",
    "numeric": "number",
    "date": "date",
    "boolean": "boolean",
}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str  # text | integer | number | date | boolean
    required: bool
    accepted: tuple[str, ...] = ()  # accepted_values, when the column has that test


@dataclass(frozen=True)
class FileSpec:
    stem: str  # the seed name models ref(), and the file name without .csv
    description: str
    columns: tuple[ColumnSpec, ...]

    @property
    def file_name(self) -> str:
        return f"{self.stem}.csv"

    @property
    def effective_dated(self) -> bool:
        return any(column.name == "valid_from" for column in self.columns)

    def column(self, name: str) -> ColumnSpec | None:
        return next((column for column in self.columns if column.name == name), None)


def _test_names(tests: list[Any]) -> set[str]:
    return {test if isinstance(test, str) else next(iter(test)) for test in tests or []}


def _accepted_values(tests: list[Any]) -> tuple[str, ...]:
    for test in tests or []:
        if isinstance(test, dict) and "accepted_values" in test:
            body = test["accepted_values"] or {}
            values = (body.get("arguments") or body).get("values") or []
            return tuple(str(value) for value in values)
    return ()


def _file_spec(entry: dict[str, Any]) -> FileSpec:
    types = (entry.get("config") or {}).get("column_types") or {}
    documented = {column["name"]: column for column in entry.get("columns") or []}
    columns = []
    for name, column_type in types.items():
        kind = _KINDS.get(str(column_type).lower())
        if kind is None:
            raise ValueError(f"{PROPERTIES_FILE.name}: {entry['name']}.{name} has unsupported type {column_type!r}")
        tests = (documented.get(name) or {}).get("data_tests") or []
        columns.append(ColumnSpec(name, kind, "not_null" in _test_names(tests), _accepted_values(tests)))
    return FileSpec(stem=entry["name"], description=str(entry.get("description") or ""), columns=tuple(columns))


@cache
def company_files() -> tuple[FileSpec, ...]:
    """Every company file, in the order of the properties file."""
    document = yaml.safe_load(PROPERTIES_FILE.read_text()) or {}
    return tuple(_file_spec(entry) for entry in document.get("seeds") or [])


def file_spec(stem: str) -> FileSpec | None:
    return next((spec for spec in company_files() if spec.stem == stem), None)
