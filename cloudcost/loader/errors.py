"""The one error type the loader raises: a clear sentence naming the file, column or value at fault."""

from __future__ import annotations

from cloudcost.input_errors import InputError


class CurLoadError(InputError):
    """A CUR file or delivery cannot be loaded; nothing was written to the warehouse."""
