"""Every `cloudcost` command in the README parses as written, and the cheap ones run verbatim from a fresh
folder (the ones that need a built warehouse run in test_mappings_check.py)."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import click
import pytest
from readme_commands import commands_of, readme_commands

from cloudcost.cli import main
from cloudcost.company import read_company_folder

CLI = str(Path(sys.executable).parent / "cloudcost")


def parse(argv: list[str]) -> None:
    """Parse argv with the CLI's own parser (options, arguments, subcommands) without running anything."""
    context = main.make_context("cloudcost", argv[1:])
    command: click.Command = main
    while isinstance(command, click.Group):
        with warnings.catch_warnings():  # click 8.2 deprecates protected_args; it still holds the subcommand
            warnings.simplefilter("ignore", DeprecationWarning)
            words = [*context.protected_args, *context.args]
        if not words:
            return
        sub = command.get_command(context, words[0])
        assert sub is not None, f"{' '.join(argv)}: no command {words[0]!r}"
        command, context = sub, sub.make_context(words[0], words[1:], parent=context)


def test_the_readme_has_commands() -> None:
    names = {argv[1] for argv in readme_commands() if len(argv) > 1}
    assert {"load", "build", "init", "mappings", "export", "metrics"} <= names


@pytest.mark.parametrize("argv", readme_commands(), ids=lambda argv: " ".join(argv))
def test_readme_command_parses(argv: list[str]) -> None:
    parse(argv)


def test_readme_init_runs_verbatim(tmp_path: Path) -> None:
    [argv] = commands_of("init")
    completed = subprocess.run([CLI, *argv[1:]], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    folder = tmp_path / argv[-1]
    company = read_company_folder(folder)
    assert not company.is_starter and company.config.payers
    again = subprocess.run([CLI, *argv[1:]], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert again.returncode == 2 and "never overwrites" in again.stderr
