"""The GitHub workflow files are valid and everything they run exists in this repository.

Checks the workflow structure GitHub requires (``on``, ``jobs``, ``runs-on`` and ``steps`` per job, ``uses``
or ``run`` per step, pinned action versions), that every ``make`` target they call is in the Makefile, that
every ``cloudcost`` subcommand and option they pass exists, and that every ``.venv/bin`` tool is installed.
The same reference checks cover the local CI script ``.ci/run``.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from cloudcost.cli import COMMANDS, main

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((PROJECT_ROOT / ".github" / "workflows").glob("*.y*ml"))
LOCAL_CI = PROJECT_ROOT / ".ci" / "run"
EVENTS = {"push", "pull_request", "workflow_dispatch", "schedule", "release", "workflow_call", "pull_request_target"}


def load_workflow(path: Path) -> dict[Any, Any]:
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict), f"{path.name} is not a YAML mapping"
    return document


def triggers(document: dict[Any, Any]) -> Any:
    # YAML 1.1 reads the bare key `on` as the boolean True
    return document.get("on", document.get(True))


def make_targets() -> set[str]:
    text = (PROJECT_ROOT / "Makefile").read_text()
    return {match.group(1) for match in re.finditer(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, flags=re.MULTILINE)}


def shell_commands(script: str) -> list[list[str]]:
    """Simple commands of a shell snippet (line continuations joined, split on ; && ||)."""
    joined = re.sub(r"\\\n\s*", " ", script)
    commands = []
    for line in joined.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        for part in re.split(r"\s*(?:&&|\|\||;|\|)\s*", line):
            try:
                words = shlex.split(part)
            except ValueError:
                continue
            if words:
                commands.append(words)
    return commands


def run_scripts() -> list[tuple[str, str]]:
    """(where, script) for every `run:` of every workflow, and the local CI script."""
    scripts = []
    for path in WORKFLOWS:
        for job_name, job in (load_workflow(path).get("jobs") or {}).items():
            for index, step in enumerate(job.get("steps") or []):
                if "run" in step:
                    scripts.append((f"{path.name}:{job_name}:step {index + 1}", str(step["run"])))
    if LOCAL_CI.exists():
        scripts.append((".ci/run", LOCAL_CI.read_text()))
    return scripts


def test_there_are_workflows() -> None:
    names = {path.name for path in WORKFLOWS}
    assert {"ci.yml", "pr.yml"} <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_structure(path: Path) -> None:
    document = load_workflow(path)
    assert document.get("name"), f"{path.name}: no name"
    on = triggers(document)
    assert on, f"{path.name}: no `on` triggers"
    events = set(on) if isinstance(on, dict | list) else {on}
    assert events <= EVENTS, f"{path.name}: unknown events {events - EVENTS}"
    jobs = document.get("jobs")
    assert isinstance(jobs, dict) and jobs, f"{path.name}: no jobs"
    for job_name, job in jobs.items():
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", job_name), f"{path.name}: bad job id {job_name}"
        assert "runs-on" in job, f"{path.name}:{job_name}: no runs-on"
        steps = job.get("steps")
        assert isinstance(steps, list) and steps, f"{path.name}:{job_name}: no steps"
        for index, step in enumerate(steps):
            where = f"{path.name}:{job_name}:step {index + 1}"
            assert isinstance(step, dict), f"{where} is not a mapping"
            assert ("uses" in step) != ("run" in step), f"{where}: needs exactly one of uses / run"
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@[\w.-]+", step["uses"]), f"{where}: unpinned {step['uses']}"
        needs = job.get("needs") or []
        for needed in [needs] if isinstance(needs, str) else needs:
            assert needed in jobs, f"{path.name}:{job_name} needs unknown job {needed}"


def test_pull_request_workflow_does_what_reviewers_rely_on() -> None:
    document = load_workflow(PROJECT_ROOT / ".github" / "workflows" / "pr.yml")
    assert "pull_request" in triggers(document)
    text = (PROJECT_ROOT / ".github" / "workflows" / "pr.yml").read_text()
    jobs = document["jobs"]
    matrix = jobs["build-test-diff"]["strategy"]["matrix"]["target"]
    assert set(matrix) == {"duckdb", "postgres"}
    assert "make lint" in text and "cloudcost guard --base" in text
    assert "cloudcost diff --base" in text and "--with-tests" in text
    assert "GITHUB_STEP_SUMMARY" in text and "actions/github-script" in text
    assert "actions/upload-artifact" in text and "cloudcost docs" in text
    docs = load_workflow(PROJECT_ROOT / ".github" / "workflows" / "docs.yml")
    assert triggers(docs)["push"]["branches"] == ["main"]
    assert any("deploy-pages" in str(step.get("uses", "")) for job in docs["jobs"].values() for step in job["steps"])


def test_make_targets_exist() -> None:
    targets = make_targets()
    for where, script in run_scripts():
        for words in shell_commands(script):
            if words[0] == "make":
                for target in (word for word in words[1:] if not word.startswith("-") and "=" not in word):
                    assert target in targets, f"{where}: make target {target} is not in the Makefile"


def cloudcost_option_names(command: click.Command) -> set[str]:
    names = {"--help", "-h"}
    for parameter in command.params:
        names.update(parameter.opts)
        names.update(parameter.secondary_opts)
    return names


def test_cloudcost_commands_and_options_exist() -> None:
    ctx = click.Context(main)
    for where, script in run_scripts():
        for words in shell_commands(script):
            if not words[0].endswith("cloudcost") or len(words) < 2 or words[1].startswith("-"):
                continue
            name = words[1]
            assert name in COMMANDS, f"{where}: `cloudcost {name}` is not a command"
            command = main.get_command(ctx, name)
            assert command is not None
            known = cloudcost_option_names(command)
            for word in words[2:]:
                if word.startswith("--"):
                    option = word.split("=", 1)[0]
                    assert option in known, f"{where}: `cloudcost {name}` has no option {option}"


def test_venv_tools_exist() -> None:
    bin_dir = Path(sys.executable).parent
    for where, script in run_scripts():
        for words in shell_commands(script):
            for word in words:
                if word.startswith(".venv/bin/"):
                    tool = word.removeprefix(".venv/bin/")
                    assert (bin_dir / tool).exists(), f"{where}: {word} is not installed in the environment"
