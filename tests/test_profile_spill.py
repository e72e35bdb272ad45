"""The dbt profile's DuckDB output keeps working after a query spilled to the temporary directory.

dbt-duckdb opens one database per dbt invocation and a cursor per node. Options under `settings:` are SET again
on every cursor, and DuckDB refuses to set `temp_directory` once a query has spilled there, so every node after
the first spill failed (a build past the memory limit: 3M generated line items at the default 1 GiB). The spill
folder is therefore set once per run by the project's on-run-start hook (macros/duckdb_spill.sql), not in the
profile; and not as `config_options:` either, since cloudcost opens the warehouse again in the same process after
an in-process build, which DuckDB refuses for a database opened with options. This test opens the database the way
dbt-duckdb does, from the profile file the CLI uses, sets the spill folder once as the hook does, spills, opens the
next node's cursor, then opens the file again as cloudcost does after a build.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import jinja2
import pytest
import yaml
from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt.adapters.duckdb.environments.local import LocalEnvironment

from cloudcost.resources import MEMORY_ENV, TEMP_ENV, THREADS_ENV
from cloudcost.settings import PROJECT_ROOT


def duckdb_output(path: Path) -> dict[str, object]:
    """The profile's DuckDB output, rendered with the environment as dbt renders it."""
    template = jinja2.Environment(undefined=jinja2.StrictUndefined)
    template.filters["as_number"] = float
    text = template.from_string((PROJECT_ROOT / "profiles.example.yml").read_text()).render(
        env_var=lambda name, default=None: os.environ.get(name, default)
    )
    output = dict(yaml.safe_load(text)["cloudcost"]["outputs"]["duckdb"])
    output["path"] = str(path)
    return output


def test_a_node_after_a_spill_still_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    spill = tmp_path / "spill"
    monkeypatch.setenv(MEMORY_ENV, "64MiB")
    monkeypatch.setenv(THREADS_ENV, "1")
    monkeypatch.setenv(TEMP_ENV, str(spill))
    output = duckdb_output(tmp_path / "warehouse.duckdb")
    credentials = DuckDBCredentials(
        database="warehouse",
        schema=str(output["schema"]),
        path=str(output["path"]),
        settings=output.get("settings"),
        config_options=output.get("config_options"),  # type: ignore[arg-type]
    )
    assert "temp_directory" not in (output.get("settings") or {})
    environment = LocalEnvironment(credentials)
    first = environment.handle()
    first.cursor().execute(f"set temp_directory = '{spill}'")  # the on-run-start hook, once per run
    first.cursor().execute(
        "create table sorted as select range as n, md5(cast(range as varchar)) as h from range(3000000) order by h"
    )
    assert spill.is_dir()  # the sort went past 64 MiB and spilled there
    second = environment.handle()  # the next node: dbt-duckdb initializes a new cursor
    assert second.cursor().execute("select count(*) from sorted").fetchone() == (3000000,)
    limit = second.cursor().execute("select current_setting('memory_limit')").fetchone()
    assert limit is not None and "64" in str(limit[0])
    again = duckdb.connect(str(output["path"]))  # cloudcost reads the warehouse after an in-process build
    assert again.execute("select count(*) from sorted").fetchone() == (3000000,)
    again.close()
    second.close()
    first.close()
