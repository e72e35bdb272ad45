"""The one error type of the finance loader: a sentence naming the file, line, column and value at fault."""

from __future__ import annotations

import click


class FinanceLoadError(click.ClickException):
    """A finance file cannot be loaded; nothing was written to the warehouse."""

    exit_code = 2

    def format_message(self) -> str:
        return f"{self.message} Nothing was loaded."
