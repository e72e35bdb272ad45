"""`cloudcost guard` end to end in a throwaway git repository holding a copy of this project.

It fails on an in-place edit of a mapping row and on a public model's column removed without a new version,
naming both; it passes a rule superseded by a new row and a breaking change made as a new model version.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cloudcost.generator.company_folder import DEMO_COMPANY_DIR
from cloudcost.guard.command import guard

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# the company folder committed beside the project in the test repository: the demo company's rules
COMPANY = "company"
RULES = f"{COMPANY}/map_functional_group_rules.csv"

pytestmark = pytest.mark.slow


def git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=cloudcost tests", "-c", "user.email=tests@example.invalid", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose `main` holds this project's working tree as it is now."""
    listed = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    destination = tmp_path / "repo"
    for relative in filter(None, listed.split("\0")):
        source = PROJECT_ROOT / relative
        if source.is_file():
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    shutil.copytree(DEMO_COMPANY_DIR, destination / COMPANY)
    git(destination, "init", "--quiet", "--initial-branch", "main")
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "--message", "base")
    return destination


def first_rule(repo: Path) -> tuple[str, list[str]]:
    """The first data row of the functional-group rules, as text and as fields."""
    lines = (repo / RULES).read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1]
    return row, row.split(",")[: len(header)]


def model_files(repo: Path) -> list[Path]:
    return sorted((repo / "models" / "marts").rglob("*.yml"))


def find_public_model(repo: Path, versioned: bool) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """A public model with an enforced contract (versioned or not): its YAML file, document and entry."""
    for path in model_files(repo):
        document = yaml.safe_load(path.read_text()) or {}
        for entry in document.get("models", []) or []:
            config = entry.get("config") or {}
            enforced = (config.get("contract") or {}).get("enforced")
            public = config.get("access") == "public" and enforced
            if public and bool(entry.get("versions")) == versioned and len(entry.get("columns") or []) >= 2:
                return path, document, entry
    pytest.skip(f"no public contracted {'versioned' if versioned else 'unversioned'} model in models/marts")


def run_guard(repo: Path) -> Any:
    return CliRunner().invoke(
        guard,
        ["--base", "main", "--project-dir", str(repo), "--quiet"],
        env={"CLOUDCOST_COMPANY_DIR": str(repo / COMPANY)},
        catch_exceptions=False,
    )


def test_guard_fails_on_in_place_mapping_edit_and_unversioned_contract_break(repo: Path) -> None:
    row, fields = first_rule(repo)
    header = (repo / RULES).read_text().splitlines()[0].split(",")
    group_index = header.index("functional_group")
    edited = list(fields)
    edited[group_index] = "corporate" if fields[group_index] != "corporate" else "production"
    (repo / RULES).write_text((repo / RULES).read_text().replace(row, ",".join(edited), 1))

    path, document, entry = find_public_model(repo, versioned=False)
    removed = entry["columns"].pop()["name"]
    path.write_text(yaml.safe_dump(document, sort_keys=False))

    outcome = run_guard(repo)
    assert outcome.exit_code == 1, outcome.output
    rule_id = fields[header.index("rule_id")]
    assert f"FAIL {RULES}: row 2 on main (rule_id={rule_id}, valid_from=" in outcome.stdout
    assert "was edited in place" in outcome.stdout
    assert f"functional_group '{fields[group_index]}' -> '{edited[group_index]}'" in outcome.stdout
    assert f"FAIL {entry['name']} (" in outcome.stdout
    assert f"column `{removed}` removed or renamed without a new model version" in outcome.stdout
    assert "2 problem(s) against main" in outcome.stdout


def test_guard_passes_a_superseded_rule_and_a_new_model_version(repo: Path) -> None:
    row, fields = first_rule(repo)
    header = (repo / RULES).read_text().splitlines()[0].split(",")
    closed = list(fields)
    closed[header.index("valid_to")] = "2024-01-01"
    successor = list(fields)
    successor[header.index("valid_from")] = "2024-01-01"
    successor[header.index("functional_group")] = "corporate"
    rules = (repo / RULES).read_text().replace(row, ",".join(closed) + "\n" + ",".join(successor), 1)
    (repo / RULES).write_text(rules)

    # the breaking change (a column dropped) goes into a new version; v1 keeps its contract
    path, document, entry = find_public_model(repo, versioned=True)
    name, latest = entry["name"], int(entry["latest_version"])
    dropped = entry["columns"][-1]["name"]
    for version in entry["versions"]:
        if int(version["v"]) == latest:
            version.setdefault("config", {})["alias"] = f"{name}_v{latest}"
    entry["versions"].append(
        {"v": latest + 1, "config": {"alias": name}, "columns": [{"include": "all", "exclude": [dropped]}]}
    )
    entry["latest_version"] = latest + 1
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    old_sql = next(path.parent.glob(f"{name}_v{latest}.sql"))
    (path.parent / f"{name}_v{latest + 1}.sql").write_text(old_sql.read_text())

    outcome = run_guard(repo)
    assert outcome.exit_code == 0, outcome.output
    assert "FAIL" not in outcome.stdout
    assert "closed: valid_to 2024-01-01" in outcome.stdout
    assert f"{name}.v{latest + 1}" in outcome.stdout and f"new version v{latest + 1}" in outcome.stdout
    assert "cloudcost guard: ok against main" in outcome.stdout
