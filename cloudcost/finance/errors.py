"""The one error type of the finance loader: a sentence naming the file, line, column and value at fault."""

from __future__ import annotations

from cloudcost.input_errors import InputError


class FinanceLoadError(InputError):
    """A finance file cannot be loaded; nothing was written to the warehouse."""
