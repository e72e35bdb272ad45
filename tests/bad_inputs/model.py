"""One bad-input case: how to write it, which loader reads it, and the error fragment it must end in.

Case files (``cases_<kind>.py``) each expose ``CASES: list[BadInput]``; the corpus test runs every case on
DuckDB and Postgres in-process and checks that the load fails with one line containing ``expected`` and that
the warehouse is unchanged row for row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

KINDS = ("cur", "finance", "forecasts", "company")


@dataclass(frozen=True)
class BadInput:
    name: str  # unique, e.g. "cur-nan-in-unblended-cost"
    kind: str  # one of KINDS: which loader reads it
    write: Callable[[Path], list[Path]]  # writes the input under the given folder; returns the paths to load
    expected: str  # fragment the one-line error must contain (compared case-insensitively)
    why_item: int | None = None  # the numbered item of the reliability issue's "Why" it covers, if any

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind must be one of {KINDS}, not {self.kind!r}")
