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
    added_valid_from: str | None = None  # set on rows added with a valid_from

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
    folders = [str(folder).rstrip("/") for folder in project.get("seed-paths", ["seeds"])]
    # the company seeds the CLI places under .cloudcost/ are copies; the company folder is checked itself
    return [folder for folder in folders if not folder.startswith((".cloudcost", "{{"))]


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


ADVICE = (
    "Rows on the base are history: leave the row as it is (you may set its empty valid_to) "
    "and add a new row with a new valid_from."
)


@dataclass
class _Matcher:
    """Pairs each base row with the working tree's row that keeps it (unchanged, or closed)."""

    path: str
    base: SeedTable
    head: SeedTable
    ref: str

    def __post_init__(self) -> None:
        self.extra = [column for column in self.head.columns if column not in self.base.columns]
        self.compared = [c for c in self.base.columns if c != VALID_TO and c not in TEXT_ONLY_COLUMNS]
        self.text = [column for column in self.base.columns if column in TEXT_ONLY_COLUMNS]
        self.available: dict[int, Row] = dict(self.head.rows)
        self.findings: list[SeedFinding] = []

    def keeps(self, base_row: Row, head_row: Row, closing: bool) -> bool:
        """Same rule (new columns left empty); ``closing`` allows an empty valid_to to be set."""
        if any(head_row.get(column) != base_row.get(column) for column in self.compared):
            return False
        if any(head_row.get(column) is not None for column in self.extra):
            return False
        if closing:
            return base_row.get(VALID_TO) is None and head_row.get(VALID_TO) is not None
        return head_row.get(VALID_TO) == base_row.get(VALID_TO)

    def take(self, base_row: Row, closing: bool) -> tuple[int, Row] | None:
        for number, head_row in self.available.items():
            if self.keeps(base_row, head_row, closing):
                return number, self.available.pop(number)
        return None

    def note(self, message: str, violation: bool = False, added_valid_from: str | None = None) -> None:
        self.findings.append(SeedFinding(self.path, message, violation, added_valid_from))

    def run(self) -> list[SeedFinding]:
        unmatched: list[tuple[int, Row]] = []
        for number, row in self.base.rows:  # pass 1: rows kept as they were
            kept = self.take(row, closing=False)
            if kept is None:
                unmatched.append((number, row))
            elif reworded := _differences(self.text, row, kept[1]):
                self.note(f"row {number}: text edited ({'; '.join(reworded)})")
        for number, row in unmatched:  # pass 2: open rows closed by setting valid_to, or edited in place
            identity = _describe_identity(_identity(self.base.columns, row))
            closed = self.take(row, closing=True) if VALID_TO in self.base.columns else None
            if closed is not None:
                self.note(f"row {number} ({identity}) closed: valid_to {closed[1].get(VALID_TO)}")
            else:
                self.edited_or_deleted(number, row)
        for number, row in sorted(self.available.items()):
            identity = _describe_identity(_identity(self.head.columns, row))
            self.note(f"row {number} added ({identity})", added_valid_from=row.get(VALID_FROM))
        return self.findings

    def edited_or_deleted(self, number: int, row: Row) -> None:
        identity = _identity(self.base.columns, row)
        described = f"row {number} on {self.ref} ({_describe_identity(identity)})"
        for head_number, head_row in self.available.items():
            if all(head_row.get(column) == value for column, value in identity.items()):
                changes = _differences([*self.base.columns, *self.extra], row, head_row)
                del self.available[head_number]
                self.note(
                    f"{described} was edited in place (now row {head_number}): {'; '.join(changes)}. {ADVICE}",
                    violation=True,
                )
                return
        self.note(f"{described} was deleted. {ADVICE}", violation=True)


def compare_seed(relative_path: str, base: SeedTable, head: SeedTable | None, ref: str) -> list[SeedFinding]:
    """Findings for one effective-dated seed present on the base ref."""
    if head is None:
        message = (
            f"the seed was deleted; its {len(base.rows)} rows on {ref} are history. "
            "Close rules with valid_to instead of removing the file."
        )
        return [SeedFinding(relative_path, message, True)]
    missing_columns = [column for column in base.columns if column not in head.columns]
    if missing_columns:
        message = (
            f"column(s) {', '.join(missing_columns)} removed; rows on {ref} lose their meaning. "
            "Keep the columns (a new column may be added, empty on existing rows)."
        )
        return [SeedFinding(relative_path, message, True)]
    return _Matcher(relative_path, base, head, ref).run()


def effective_dated(table: SeedTable) -> bool:
    return VALID_FROM in table.columns


def _moved_to_company(relative: str, base: SeedTable, company_dir: Path | None, ref: str) -> list[SeedFinding] | None:
    """Findings for a product seed on the base that is now a company file (the move of company data out of
    ``seeds/``): its rows are compared with the company folder's copy, as one history. None when the seed
    is not a company file."""
    from cloudcost.company.spec import file_spec
    from cloudcost.guard.company_history import read_company_seed

    name = Path(relative).name
    if file_spec(Path(relative).stem) is None:
        return None
    if company_dir is None:
        message = (
            f"moved out of the product into the company folder (company file {name}); "
            "give --company DIR (or CLOUDCOST_COMPANY_DIR) to check its rows on the base against that folder"
        )
        return [SeedFinding(relative, message, False)]
    label = f"{relative} -> {company_dir.name or company_dir}/{name}"
    moved = company_dir / name
    if not moved.exists():
        message = (
            f"moved out of the product, but the company folder has no {name}: its {len(base.rows)} rows on "
            f"{ref} are history. Keep them in the company folder (close rules with valid_to)."
        )
        return [SeedFinding(label, message, True)]
    return [
        SeedFinding(label, "moved into the company folder; rows compared with its copy", False),
        *compare_seed(label, base, read_company_seed(moved), ref),
    ]


def check_seed_history(project_dir: Path, commit: str, ref: str, company_dir: Path | None = None) -> list[SeedFinding]:
    """Compare every effective-dated seed at ``commit`` with the working tree's copy (a seed that moved into
    the company folder since ``commit`` is compared with the copy in ``company_dir``)."""
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
            moved = None if head_path.exists() else _moved_to_company(relative, base, company_dir, ref)
            if moved is not None:
                findings += moved
                continue
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
