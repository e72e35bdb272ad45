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


def duckdb_profile(values: dict[str, str]) -> dict:
    """The project's dbt profile for DuckDB (profiles.example.yml), its env_var() calls answered from ``values``."""
    import jinja2
    import yaml

    text = (Path(__file__).resolve().parent.parent / "profiles.example.yml").read_text()
    environment = jinja2.Environment(autoescape=False)
    environment.filters["as_number"] = int
    rendered = environment.from_string(text).render(env_var=lambda name, default="": values.get(name, default))
    return yaml.safe_load(rendered)["cloudcost"]["outputs"]["duckdb"]


def test_a_dbt_cursor_opens_after_a_query_spilled(tmp_path: Path) -> None:
    """dbt-duckdb SETs the profile's `settings` on every cursor it opens; DuckDB refuses to SET the spill folder
    once a query has spilled, so the spill folder is set when the database is opened (`config_options`)."""
    from dbt.adapters.duckdb.credentials import DuckDBCredentials
    from dbt.adapters.duckdb.environments import Environment

    spill = tmp_path / "spill"
    profile = duckdb_profile({MEMORY_ENV: "48MiB", THREADS_ENV: "1", TEMP_ENV: str(spill)})
    credentials = DuckDBCredentials(
        path=str(tmp_path / "wh.duckdb"), settings=profile["settings"], config_options=profile.get("config_options")
    )
    con = Environment.initialize_db(credentials)
    Environment.initialize_cursor(credentials, con.cursor())
    con.execute("create table sorted as select range as i, hash(range) as h from range(4000000) order by h")
    assert spill.is_dir(), "the sort did not spill: the test would prove nothing"
    cursor = Environment.initialize_cursor(credentials, con.cursor())  # what dbt does for the next model
    assert cursor.execute("select current_setting('temp_directory')").fetchone()[0] == str(spill)
    con.close()
