"""The one way every input check reports a problem: file, line, column, value, why, and what to do.

Every loader (CUR, finance files, forecast files, the company folder) raises ``InputError`` or a subclass.
The CLI prints it as one line on stderr beginning ``Error:`` and exits with code 2; the warehouse is left as
it was. Keep messages on one line: a reader (or a log scraper) must see the whole story in it.
"""

from __future__ import annotations

from typing import Any

import click


def _shown(value: Any, limit: int = 80) -> str:
    text = repr(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class InputError(click.ClickException):
    """An input cannot be used; nothing was written to the warehouse.

    ``message`` is the reason in plain words. ``file``, ``line``, ``column`` and ``value`` locate the fault
    where they apply; ``fix`` says what the user can do. ``suffix`` ends the line (the loaders say what was
    not done, e.g. "Nothing was loaded.").
    """

    exit_code = 2
    suffix = "Nothing was loaded."

    def __init__(
        self,
        message: str,
        *,
        file: Any = None,
        line: int | None = None,
        column: str | None = None,
        value: Any = None,
        fix: str | None = None,
        has_value: bool = False,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column
        self.value = value
        self.has_value = has_value or value is not None
        self.fix = fix

    def location(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.has_value:
            parts.append(f"value {_shown(self.value)}")
        return ", ".join(parts)

    def format_message(self) -> str:
        where = self.location()
        sentence = " ".join(self.message.split())  # one line, whatever the caller wrote
        if where and not sentence.startswith(str(self.file)) and str(self.file) not in sentence:
            sentence = f"{where}: {sentence}"
        if not sentence.endswith((".", "!", "?")):
            sentence += "."
        if self.fix:
            fix = self.fix.strip()
            sentence += f" {fix}" if fix.endswith((".", "!", "?")) else f" {fix}."
        return f"{sentence} {self.suffix}".strip()
