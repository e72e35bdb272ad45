"""A built (non-editable) install works without a checkout, and the package never imports the app."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# what a source distribution of the project holds (setup.py bundles the dbt folders into the package)
SOURCE_FOLDERS = (
    "cloudcost",
    "streamlit_app",
    "models",
    "macros",
    "seeds",
    "snapshots",
    "analyses",
    "data-tests",
    "docs",
)
SOURCE_FILES = ("pyproject.toml", "setup.py", "README.md", "dbt_project.yml", "selectors.yml", "profiles.example.yml")


def imported_modules(folder: Path) -> dict[str, set[str]]:
    """Top-level names each Python file of folder imports (anywhere in the file, functions included)."""
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(PROJECT_ROOT))] = names
    return found


def test_the_package_never_imports_the_app() -> None:
    offenders = sorted(
        path for path, names in imported_modules(PROJECT_ROOT / "cloudcost").items() if "streamlit_app" in names
    )
    assert offenders == []
    # the other direction exists (the app reads the package), so a cycle would need the first
    assert any("cloudcost" in names for names in imported_modules(PROJECT_ROOT / "streamlit_app").values())


@pytest.mark.slow
def test_a_built_install_generates_loads_and_builds_outside_a_checkout(tmp_path: Path) -> None:
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", "target", ".cloudcost", "logs", "*.duckdb")
    for folder in SOURCE_FOLDERS:
        shutil.copytree(PROJECT_ROOT / folder, source / folder, ignore=ignore)
    for name in SOURCE_FILES:
        shutil.copy2(PROJECT_ROOT / name, source / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # the dependencies are this environment's (no download); the project itself is built and installed
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    (site / "outer_environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", str(source)]
    subprocess.run(pip, check=True, capture_output=True, text=True)
    installed = site / "cloudcost"
    assert (installed / "dbt_project" / "dbt_project.yml").exists()
    assert not (installed.parent / "cloudcost" / "settings.py").is_symlink()

    work = tmp_path / "work"
    work.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CLOUDCOST_", "DBT_", "PYTHON"))}
    env.update({"CLOUDCOST_TARGET": "duckdb", "CLOUDCOST_DUCKDB_PATH": str(work / "warehouse.duckdb")})
    cloudcost = str(venv / "bin" / "cloudcost")

    def run(*args: str) -> str:
        done = subprocess.run([cloudcost, *args], cwd=work, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"cloudcost {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    located = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "from cloudcost.settings import PROJECT_ROOT; print(PROJECT_ROOT)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(located) == installed / "dbt_project"
    run("generate", "--rows", "2000", "--months", "2", "--no-month-to-date", "--no-restate", "--out", "data")
    run("--company", "data/company", "load", "data/acme-cur2")
    run("--company", "data/company", "build")
    import duckdb

    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_cost_daily").fetchone()[0] > 0
