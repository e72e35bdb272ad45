"""The `cloudcost …` command lines of the README's bash blocks, read from the README itself (never copied)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BASH_BLOCK = re.compile(r"```bash\n(.*?)```", re.DOTALL)


def readme_commands(readme: Path = README) -> list[list[str]]:
    """Every `cloudcost` command of the README's bash blocks as argv (comments dropped, `&&` chains split)."""
    commands = []
    for block in BASH_BLOCK.findall(readme.read_text()):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            current: list[str] = []
            for word in [*words, "&&"]:
                if word == "&&":
                    if current and current[0] == "cloudcost":
                        commands.append(current)
                    current = []
                else:
                    current.append(word)
    return commands


def commands_of(subcommand: str) -> list[list[str]]:
    """The README's command lines whose (first) subcommand is ``subcommand``, global options skipped."""
    found = []
    for argv in readme_commands():
        words = argv[1:]
        while words and words[0].startswith("--"):
            words = words[2:] if words[0] == "--company" else words[1:]
        if words and words[0] == subcommand:
            found.append(argv)
    return found
