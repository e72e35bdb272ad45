"""The one error type the loader raises: a clear sentence naming the file, column or value at fault."""

from __future__ import annotations

import click


class CurLoadError(click.ClickException):
    """A CUR file or delivery cannot be loaded; nothing was written to the warehouse."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)

    def format_message(self) -> str:
        sentence = self.message.rstrip()
        if not sentence.endswith((".", "!", "?")):
            sentence += "."
        return f"{sentence} Nothing was loaded."
