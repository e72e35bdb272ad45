"""The finance raw tables the loader writes are the ones the dbt sources describe (names, order, types)."""

from __future__ import annotations

from pathlib import Path

import yaml

from cloudcost.finance.schema import FILE_KINDS, raw_columns

SOURCES = Path(__file__).resolve().parent.parent / "models" / "staging" / "finance" / "_finance__sources.yml"


def test_dbt_sources_describe_the_raw_finance_tables_the_loader_writes() -> None:
    [source] = yaml.safe_load(SOURCES.read_text())["sources"]
    described = {
        table["name"]: [(column["name"], column["data_type"]) for column in table["columns"]]
        for table in source["tables"]
    }
    written = {kind.table: raw_columns(kind) for kind in FILE_KINDS}
    assert described == written


def test_every_file_kind_is_told_apart_by_its_required_columns() -> None:
    for kind in FILE_KINDS:
        others = [other for other in FILE_KINDS if other is not kind]
        assert all(not kind.required_headers <= other.required_headers for other in others), kind.name
