"""DuckDB resources: sizes from the environment, machine defaults, and the loader's connection using them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cloudcost.input_errors import InputError
from cloudcost.resources import (
    MAX_DEFAULT_MEMORY_MIB,
    MEMORY_ENV,
    MIN_MEMORY_MIB,
    TEMP_ENV,
    THREADS_ENV,
    apply,
    default_memory_mib,
    duckdb_resources,
    parse_memory_mib,
)


@pytest.mark.parametrize(("text", "mib"), [("1500MB", 1500), ("2GB", 2048), ("2 GiB", 2048), ("768", 768)])
def test_memory_sizes_are_read_in_mib(text: str, mib: int) -> None:
    assert parse_memory_mib(text) == mib


@pytest.mark.parametrize("text", ["lots", "2 apples", "64MB"])
def test_a_bad_memory_size_is_one_clear_error(text: str) -> None:
    with pytest.raises(InputError, match=MEMORY_ENV):
        parse_memory_mib(text)


def test_defaults_follow_the_machine_and_the_warehouse(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (MEMORY_ENV, THREADS_ENV, TEMP_ENV):
        monkeypatch.delenv(name, raising=False)
    resources = duckdb_resources(tmp_path / "wh.duckdb")
    assert MIN_MEMORY_MIB <= resources.memory_limit_mib == default_memory_mib() <= MAX_DEFAULT_MEMORY_MIB
    assert resources.threads >= 1
    assert resources.temp_directory == tmp_path / "wh.duckdb.tmp"


def test_the_environment_sets_a_connection(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(MEMORY_ENV, "1GB")
    monkeypatch.setenv(THREADS_ENV, "1")
    monkeypatch.setenv(TEMP_ENV, str(tmp_path / "spill"))
    con = duckdb.connect()
    apply(con, duckdb_resources())
    found = dict(
        con.execute(
            "select name, value from duckdb_settings() where name in "
            "('memory_limit', 'threads', 'temp_directory', 'preserve_insertion_order')"
        ).fetchall()
    )
    con.close()
    assert found["threads"] == "1"
    assert found["temp_directory"] == str(tmp_path / "spill")
    assert found["preserve_insertion_order"] == "false"
    assert found["memory_limit"].replace(" ", "") in {"1.0GiB", "1024.0MiB", "1GiB"}
    with pytest.raises(InputError, match=THREADS_ENV):
        monkeypatch.setenv(THREADS_ENV, "none")
        duckdb_resources()
