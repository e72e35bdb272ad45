"""SQL literals and identifiers are written by one module (cloudcost/sql_text.py): they round-trip through DuckDB,
and no other module doubles quotes by hand."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from cloudcost.settings import PROJECT_ROOT
from cloudcost.sql_text import quote_identifier, sql_string

HAND_QUOTING = re.compile(r"""\.replace\(\s*(["'])('|")\1\s*,\s*(["'])\2\2\3\s*\)""")


def test_a_literal_and_an_identifier_round_trip_through_duckdb() -> None:
    text = "it's a \"path\" with 'quotes'"
    con = duckdb.connect()
    assert con.execute(f"select {sql_string(text)}").fetchone() == (text,)
    name = 'lineItem/Unblended"Cost'
    con.execute(f"create table t ({quote_identifier(name)} integer)")
    assert [row[0] for row in con.execute("describe t").fetchall()] == [name]


def hand_quoting(roots: list[Path]) -> list[str]:
    """Python files (other than sql_text.py) that double quotes by hand."""
    found = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if path.name != "sql_text.py" and HAND_QUOTING.search(path.read_text()):
                found.append(str(path.relative_to(root.parent)))
    return found


def test_no_module_quotes_sql_by_hand() -> None:
    assert hand_quoting([PROJECT_ROOT / "cloudcost", PROJECT_ROOT / "streamlit_app"]) == []


def test_hand_quoting_is_found(tmp_path: Path) -> None:
    package = tmp_path / "package"
    package.mkdir()
    (package / "literal.py").write_text("""def q(v):\n    return "'" + v.replace("'", "''") + "'"\n""")
    (package / "identifier.py").write_text("""def q(v):\n    return '"' + v.replace('"', '""') + '"'\n""")
    (package / "clean.py").write_text("from cloudcost.sql_text import sql_string\n")
    assert hand_quoting([package]) == ["package/identifier.py", "package/literal.py"]
