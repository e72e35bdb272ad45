"""Which Postgres roles read which team's rows: the company folder's ``reader_roles.csv``.

Columns ``role,team``; one row per (role, team), so a role may read several teams. Team ``*`` is Finance: the
role reads every row of every published mart. Roles are plain lower-case Postgres names (they are created as
LOGIN roles without a password when missing; an administrator sets passwords or grants them to a login). The
file is optional: without it only the Finance reader (``CLOUDCOST_READER_USER``) reads the marts.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from cloudcost.input_errors import InputError

FILE_NAME = "reader_roles.csv"
COLUMNS = ("role", "team")
ALL_TEAMS = "*"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class ReaderRolesError(InputError):
    """reader_roles.csv cannot be used; no role or policy was changed."""

    suffix = "No role or policy was changed."


@dataclass(frozen=True)
class ReaderRole:
    role: str
    team: str

    @property
    def is_finance(self) -> bool:
        return self.team == ALL_TEAMS


def roles_file(company_dir: Path | None) -> Path | None:
    """The company folder's reader_roles.csv, or None when there is no company folder or no such file."""
    if company_dir is None:
        return None
    path = company_dir / FILE_NAME
    return path if path.exists() else None


def read_reader_roles(path: Path) -> list[ReaderRole]:
    """Parse and check the file; raise ReaderRolesError naming the line, column and value at fault."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        message = f"cannot read the file ({error})"
        raise ReaderRolesError(message, file=path, fix="Make it a readable UTF-8 CSV") from error
    rows = list(csv.reader(text.splitlines()))
    if not rows or tuple(name.strip() for name in rows[0]) != COLUMNS:
        raise ReaderRolesError(
            "the header must be exactly role,team",
            file=path,
            line=1,
            value=",".join(rows[0]) if rows else "",
            fix="Write the header role,team",
        )
    found: list[ReaderRole] = []
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(COLUMNS):
            raise ReaderRolesError(
                f"expected 2 fields, found {len(row)}",
                file=path,
                line=number,
                value=",".join(row),
                fix="Write one role and one team per line",
            )
        role, team = (cell.strip() for cell in row)
        if not ROLE_NAME.match(role):
            raise ReaderRolesError(
                "not a plain lower-case Postgres role name",
                file=path,
                line=number,
                column="role",
                value=role,
                fix="Use letters a-z, digits and _ (at most 63, not starting with a digit)",
            )
        if not team:
            raise ReaderRolesError(
                "the team is empty",
                file=path,
                line=number,
                column="team",
                value=team,
                fix="Name a team as the marts spell it, or * for Finance (every team)",
            )
        if (role, team) in seen:
            raise ReaderRolesError(
                f"role {role} is given team {team} twice",
                file=path,
                line=number,
                column="team",
                value=team,
                fix="Remove the repeated line",
            )
        seen.add((role, team))
        found.append(ReaderRole(role, team))
    return found


def company_reader_roles(company_dir: Path | None) -> list[ReaderRole]:
    """The company folder's reader roles ([] without a folder or file)."""
    path = roles_file(company_dir)
    return read_reader_roles(path) if path else []
