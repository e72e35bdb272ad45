"""SQL text the project writes itself: string literals and quoted identifiers, in one place.

Values a user gives go to the warehouse as bound parameters; these are for what a statement must hold as text —
file paths in DuckDB's readers and ``attach``, column names read from a file's header, names from the project's
own lists. Both follow standard SQL (DuckDB, Postgres and Spark SQL read them the same way).
"""

from __future__ import annotations


def sql_string(value: str) -> str:
    """A SQL string literal: single-quoted, embedded quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def quote_identifier(name: str) -> str:
    """A double-quoted identifier (column names like ``lineItem/UnblendedCost`` need it), quotes doubled."""
    return '"' + name.replace('"', '""') + '"'
