"""The real CUR samples built on Spark equal the DuckDB build of the same data, mart by mart.

Both warehouses are loaded and built through the CLI (`cloudcost load`, `cloudcost build`), as a user would. For
every public mart: the same row count and the same Σ of every money column per billing period (where the mart
has one), within 1e-6 + 1e-12 × |value|; `cloudcost export fct_cost_daily` gives the same rows on both.

Needs Java 17 and the `spark` extra (`pip install -e ".[spark]"`); skipped without them. CI runs this file in a
step of its own (marker `spark`): a Spark build costs about half a second per dbt node however small the data.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from cloudcost.company.folder import company_seeds_folder
from cloudcost.export.marts import public_marts
from cloudcost.settings import PROJECT_ROOT, Settings, load_settings
from cloudcost.warehouse import connect

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
        reason="needs the spark extra (pyspark, dbt-spark) and Java 17",
    ),
]

NUMERIC_TYPES = ("DECIMAL", "DOUBLE", "FLOAT", "REAL", "HUGEINT", "BIGINT", "INTEGER")


def close_enough(left: float, right: float) -> bool:
    return abs(left - right) <= 1e-6 + 1e-12 * max(abs(left), abs(right))


def cli(env: dict[str, str], *args: str) -> None:
    """Run one cloudcost command as a user would; fail the test with its output when it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "cloudcost.cli", *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, f"cloudcost {' '.join(args)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"


def company_copy(root: Path, engine: str) -> Path:
    """The samples' company folder, copied per engine: the two builds run side by side, and each company folder
    gets its own seeds folder in the project (two processes must not rewrite the same one)."""
    copy = root / f"company-{engine}"
    if not copy.is_dir():
        shutil.copytree(PROJECT_ROOT / "tests" / "fixtures" / "companies" / "samples", copy)
    return copy


def engine_env(settings: Settings, root: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CLOUDCOST_")}
    env.update(
        CLOUDCOST_TARGET=settings.target,
        CLOUDCOST_DUCKDB_PATH=str(settings.duckdb_path),
        CLOUDCOST_SPARK_WAREHOUSE=str(settings.spark_warehouse),
        CLOUDCOST_COMPANY_DIR=str(company_copy(root, settings.target)),
        DBT_TARGET_PATH=str(root / f"dbt-target-{settings.target}"),
        CLOUDCOST_DASHBOARD_DB=str(root / f"published-{settings.target}.duckdb"),
    )
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, cur_samples_dir: Path) -> Iterator[dict[str, Settings]]:
    """The samples loaded and built on DuckDB and on Spark, and fct_cost_daily exported from each."""
    root = tmp_path_factory.mktemp("spark-vs-duckdb")
    engines = {
        "duckdb": replace(load_settings("duckdb"), duckdb_path=root / "warehouse.duckdb"),
        "spark": replace(load_settings("spark"), spark_warehouse=root / "spark"),
    }

    def load_build_export(settings: Settings) -> None:
        env = engine_env(settings, root)
        cli(env, "load", str(cur_samples_dir))
        cli(env, "build")
        cli(env, "export", "fct_cost_daily", "--out", str(root / f"cost-daily-{settings.target}.csv"))

    # side by side: the Spark build spends most of its time planning on one core, DuckDB's fits beside it
    with ThreadPoolExecutor(max_workers=len(engines)) as pool:
        for done in [pool.submit(load_build_export, settings) for settings in engines.values()]:
            done.result()
    yield engines
    for engine in engines:  # the seeds folders the copies got in the project
        shutil.rmtree(company_seeds_folder(PROJECT_ROOT, company_copy(root, engine)), ignore_errors=True)


def mart_figures(settings: Settings, mart: str) -> dict[str, dict[str, float]]:
    """Per billing period (or 'all'): the row count and Σ of every numeric column of one mart."""
    with connect(settings, read_only=True) as con:
        described = con.execute(f"describe marts.{mart}").fetchall()
        numeric = [row[0] for row in described if str(row[1]).upper().startswith(NUMERIC_TYPES)]
        names = [row[0] for row in described]
        period = "cast(billing_period as varchar)" if "billing_period" in names else "'all'"
        sums = "".join(f", sum(cast({name} as double))" for name in numeric)
        rows = con.execute(f"select {period}, count(*){sums} from marts.{mart} group by 1").fetchall()
    return {
        str(row[0]): {"rows": float(row[1]), **{name: float(v or 0) for name, v in zip(numeric, row[2:], strict=True)}}
        for row in rows
    }


def test_every_public_mart_equals_duckdb(built: dict[str, Settings]) -> None:
    differences = []
    for mart in sorted(public_marts()):
        expected = mart_figures(built["duckdb"], mart)
        actual = mart_figures(built["spark"], mart)
        if set(expected) != set(actual):
            differences.append(f"{mart}: periods {sorted(expected)} on DuckDB, {sorted(actual)} on Spark")
            continue
        for period, figures in expected.items():
            for name, value in figures.items():
                if not close_enough(value, actual[period].get(name, float("nan"))):
                    differences.append(f"{mart} {period} {name}: DuckDB {value}, Spark {actual[period].get(name)}")
    assert not differences, "\n".join(differences[:40])


def test_export_of_fct_cost_daily_equals_duckdb(built: dict[str, Settings]) -> None:
    root = built["duckdb"].duckdb_path.parent
    tables = {}
    for engine in ("duckdb", "spark"):
        with (root / f"cost-daily-{engine}.csv").open(newline="") as handle:
            tables[engine] = list(csv.DictReader(handle))
    assert tables["spark"], "the Spark export is empty"
    assert len(tables["spark"]) == len(tables["duckdb"])

    with connect(built["duckdb"], read_only=True) as con:
        described = con.execute("describe marts.fct_cost_daily").fetchall()
    numeric = {str(row[0]) for row in described if str(row[1]).upper().startswith(NUMERIC_TYPES)}

    def key(row: dict[str, str]) -> tuple[str, ...]:
        """The row's text, date and flag columns (the mart's grain and labels), as written."""
        return tuple(value.lower() for name, value in row.items() if name not in numeric)

    spark_rows = {key(row): row for row in tables["spark"]}
    assert len(spark_rows) == len(tables["spark"]), "the Spark export repeats a key"
    for row in tables["duckdb"]:
        other = spark_rows.get(key(row))
        assert other is not None, f"no Spark row for {key(row)}"
        for name in numeric & row.keys():
            value, written = row[name], other[name]
            if value == "" or written == "":
                assert value == written, f"{name}: {value!r} vs {written!r} in {row}"
            else:
                assert close_enough(float(value), float(written)), f"{name}: {value} vs {written} in {row}"
