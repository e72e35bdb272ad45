"""Turn any input or I/O problem that escapes a command into one ``Error:`` line and exit code 2.

Commands raise :class:`cloudcost.input_errors.InputError` for the problems they foresee; this is the net
under them for the rest: a file that cannot be read, a full disk, a warehouse that refuses a write. A
bug (any other exception) still shows its traceback, because hiding it would hide the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from cloudcost.input_errors import InputError


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _database_errors() -> tuple[type[BaseException], ...]:
    """DuckDB's and psycopg2's operational errors (I/O, out of memory or disk, lost connection)."""
    found: list[type[BaseException]] = []
    try:
        import duckdb

        found += [duckdb.IOException, duckdb.OutOfMemoryException, duckdb.ConnectionException]
    except ImportError:  # pragma: no cover - duckdb is a main dependency
        pass
    try:
        import psycopg2

        found += [psycopg2.OperationalError]
    except ImportError:  # pragma: no cover - optional on some installs
        pass
    return tuple(found)


def as_input_error(error: BaseException) -> InputError | None:
    """The one-line error for an I/O or warehouse failure; None for anything else (a bug)."""
    if isinstance(error, InputError):
        return error
    if isinstance(error, OSError):
        where = getattr(error, "filename", None)
        reason = error.strerror or _first_line(error)
        return InputError(
            f"cannot read or write {where}: {reason}" if where else f"I/O error: {reason}",
            fix="Check the path, its permissions and the free disk space, then run again.",
        )
    if isinstance(error, _database_errors()):
        return InputError(
            f"the warehouse failed: {_first_line(error)}",
            fix="Nothing was changed; check the free disk space and memory, then run again.",
        )
    return None


def run_standalone(invoke: Callable[[], Any]) -> Any:
    """Run a click entry point (``standalone_mode=False``) the way standalone mode does, except that I/O
    and warehouse failures end as one ``Error:`` line with exit code 2 instead of a traceback."""
    try:
        result = invoke()
    except click.exceptions.Abort:
        click.echo("Aborted!", err=True)
        raise SystemExit(1) from None
    except click.ClickException as error:
        error.show()
        raise SystemExit(error.exit_code) from None
    except click.exceptions.Exit as done:
        raise SystemExit(done.exit_code) from None
    except Exception as error:  # noqa: BLE001 - re-raised below unless it is an input or I/O problem
        known = as_input_error(error)
        if known is None:
            raise
        known.show()
        raise SystemExit(known.exit_code) from None
    raise SystemExit(result if isinstance(result, int) else 0)
