"""Effective-dated seeds keep their history: a row that exists on the base ref may only be closed.

A row of a mapping seed (``map_*.csv``) or of any other seed with a ``valid_from`` column that exists on the
base ref must still be there on the working tree, unchanged, or changed only by setting its empty
``valid_to`` (closing it). A changed rule is a new row with a new ``valid_from``. Editing or deleting a row
in place would silently re-allocate months that were already reported.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cloudcost.diff.trees import list_files_at, show_file

VALID_FROM = "valid_from"
VALID_TO = "valid_to"
# free-text columns: editing them changes no allocation, so it is reported but allowed
TEXT_ONLY_COLUMNS = frozenset({"description", "notes", "comment"})

Row = dict[str, str | None]


@dataclass(frozen=True)
class SeedFinding:
    """One finding about a seed file; ``violation`` ones fail the guard."""

    path: str
    message: str
    violation: bool

    def line(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class SeedTable:
    columns: list[str]
    rows: list[tuple[int, Row]]  # (row number counting the header as row 1, values)


def read_seed_csv(path: Path) -> SeedTable:
    """Every value as text (empty = None), in file order, read with DuckDB."""
    import duckdb

    con = duckdb.connect()
    try:
        relation = con.execute(
            "select * from read_csv(?, header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')",
            [str(path)],
        )
        columns = [str(description[0]) for description in relation.description]
        records = relation.fetchall()
    finally:
        con.close()
    names = [column.strip().lower() for column in columns]
    return SeedTable(
        columns=names,
        rows=[(index + 2, dict(zip(names, record, strict=True))) for index, record in enumerate(records)],
    )


def seed_paths(project_dir: Path) -> list[str]:
    project: dict[str, Any] = yaml.safe_load((project_dir / "dbt_project.yml").read_text()) or {}
    return [str(folder).rstrip("/") for folder in project.get("seed-paths", ["seeds"])]


def is_mapping_seed(relative_path: str) -> bool:
    return Path(relative_path).name.startswith("map_") and relative_path.endswith(".csv")


def _identity(columns: list[str], row: Row) -> dict[str, str | None]:
    keys = [column for column in columns if column == "rule_id" or column.endswith("_id")] or columns[:1]
    return {column: row.get(column) for column in [*keys, VALID_FROM] if column in row}


def _describe_identity(identity: dict[str, str | None]) -> str:
    return ", ".join(f"{column}={value if value is not None else ''}" for column, value in identity.items())


def _differences(columns: list[str], before: Row, after: Row) -> list[str]:
    changed = []
    for column in columns:
        if before.get(column) != after.get(column):
            changed.append(f"{column} {before.get(column) or ''!r} -> {after.get(column) or ''!r}")
    return changed


def compare_seed(relative_path: str, base: SeedTable, head: SeedTable | None, ref: str) -> list[SeedFinding]:
    """Findings for one effective-dated seed present on the base ref."""
    if head is None:
        return [
            SeedFinding(
                relative_path,
                f"the seed was deleted; its {len(base.rows)} rows on {ref} are history. "
                "Close rules with valid_to instead of removing the file.",
                True,
            )
        ]
    findings: list[SeedFinding] = []
    missing_columns = [column for column in base.columns if column not in head.columns]
    if missing_columns:
        findings.append(
            SeedFinding(
                relative_path,
                f"column(s) {', '.join(missing_columns)} removed; rows on {ref} lose their meaning. "
                "Keep the columns (a new column may be added, empty on existing rows).",
                True,
            )
        )
        return findings
    extra_columns = [column for column in head.columns if column not in base.columns]
    compared = [column for column in base.columns if column != VALID_TO and column not in TEXT_ONLY_COLUMNS]
    text_columns = [column for column in base.columns if column in TEXT_ONLY_COLUMNS]

    def signature(row: Row) -> tuple[Any, ...]:
        values = tuple(row.get(column) for column in compared)
        extras = tuple(row.get(column) for column in extra_columns)
        return (values, extras, row.get(VALID_TO))

    available = dict(head.rows)
    unmatched: list[tuple[int, Row]] = []
    # pass 1: rows kept exactly (new columns empty)
    by_signature: dict[tuple[Any, ...], list[int]] = {}
    for number, row in head.rows:
        by_signature.setdefault(signature(row), []).append(number)
    for number, row in base.rows:
        wanted = (tuple(row.get(c) for c in compared), tuple(None for _ in extra_columns), row.get(VALID_TO))
        candidates = [n for n in by_signature.get(wanted, []) if n in available]
        if candidates:
            kept = available.pop(candidates[0])
            reworded = _differences(text_columns, row, kept)
            if reworded:
                findings.append(SeedFinding(relative_path, f"row {number}: text edited ({'; '.join(reworded)})", False))
        else:
            unmatched.append((number, row))
    # pass 2: open rows closed by setting valid_to
    still_unmatched: list[tuple[int, Row]] = []
    for number, row in unmatched:
        closing = None
        if VALID_TO in base.columns and row.get(VALID_TO) is None:
            for head_number, head_row in available.items():
                if (
                    head_row.get(VALID_TO) is not None
                    and all(head_row.get(c) == row.get(c) for c in compared)
                    and all(head_row.get(c) is None for c in extra_columns)
                ):
                    closing = head_number
                    break
        if closing is not None:
            findings.append(
                SeedFinding(
                    relative_path,
                    f"row {number} ({_describe_identity(_identity(base.columns, row))}) closed: "
                    f"valid_to {available[closing].get(VALID_TO)}",
                    False,
                )
            )
            del available[closing]
        else:
            still_unmatched.append((number, row))
    # what is left on the base side was edited or deleted in place
    for number, row in still_unmatched:
        identity = _identity(base.columns, row)
        edited = next(
            (
                (head_number, head_row)
                for head_number, head_row in available.items()
                if all(head_row.get(column) == value for column, value in identity.items())
            ),
            None,
        )
        advice = (
            "Rows on the base are history: leave the row as it is (you may set its empty valid_to) "
            "and add a new row with a new valid_from."
        )
        if edited is not None:
            head_number, head_row = edited
            changes = _differences([*base.columns, *extra_columns], row, head_row)
            findings.append(
                SeedFinding(
                    relative_path,
                    f"row {number} on {ref} ({_describe_identity(identity)}) was edited in place "
                    f"(now row {head_number}): {'; '.join(changes)}. {advice}",
                    True,
                )
            )
            del available[head_number]
        else:
            findings.append(
                SeedFinding(
                    relative_path,
                    f"row {number} on {ref} ({_describe_identity(identity)}) was deleted. {advice}",
                    True,
                )
            )
    for head_number, head_row in sorted(available.items()):
        findings.append(
            SeedFinding(
                relative_path,
                f"row {head_number} added ({_describe_identity(_identity(head.columns, head_row))})",
                False,
            )
        )
    return findings


def effective_dated(table: SeedTable) -> bool:
    return VALID_FROM in table.columns


def check_seed_history(project_dir: Path, commit: str, ref: str) -> list[SeedFinding]:
    """Compare every effective-dated seed at ``commit`` with the working tree's copy."""
    findings: list[SeedFinding] = []
    with tempfile.TemporaryDirectory(prefix="cloudcost-guard-") as scratch:
        scratch_dir = Path(scratch)
        base_files: list[str] = []
        for folder in seed_paths(project_dir):
            base_files += [name for name in list_files_at(project_dir, commit, folder) if name.endswith(".csv")]
        for index, relative in enumerate(sorted(set(base_files))):
            content = show_file(project_dir, commit, relative)
            if content is None:
                continue
            base_copy = scratch_dir / f"base_{index}.csv"
            base_copy.write_bytes(content)
            base = read_seed_csv(base_copy)
            if not effective_dated(base):
                if is_mapping_seed(relative):
                    findings.append(SeedFinding(relative, f"mapping seed on {ref} has no {VALID_FROM} column", False))
                continue
            head_path = project_dir / relative
            head = read_seed_csv(head_path) if head_path.exists() else None
            findings += compare_seed(relative, base, head, ref)
        for folder in seed_paths(project_dir):
            for path in sorted((project_dir / folder).rglob("map_*.csv")):
                relative = str(path.relative_to(project_dir))
                if not effective_dated(read_seed_csv(path)):
                    findings.append(
                        SeedFinding(
                            relative,
                            f"mapping seed has no {VALID_FROM} column: mappings must be effective-dated "
                            f"({VALID_FROM}, {VALID_TO})",
                            True,
                        )
                    )
    return findings
