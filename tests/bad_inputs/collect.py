"""Gather the corpus: every ``cases_<kind>.py`` module of this package, its ``CASES`` and ``BASELINE_INPUTS``.

A case file exposes ``CASES: list[BadInput]``. It may also expose ``BASELINE_INPUTS: list[BaselineInput]``:
good inputs loaded into the baseline warehouse before it is snapshotted, for cases that must contradict
something already loaded (a forecast vintage resubmitted with other rows, an invoice the ledger disagrees
with). A new case file is picked up by its name alone.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .model import KINDS, BadInput

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class BaselineInput:
    name: str  # unique, e.g. "forecasts-known-vintage"
    kind: str  # one of KINDS: which loader reads it
    write: Callable[[Path], list[Path]]  # writes good input under the given folder; returns the paths to load

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind must be one of {KINDS}, not {self.kind!r}")


def case_modules() -> list[ModuleType]:
    """The case files of this package, in file-name order."""
    return [importlib.import_module(f"{__package__}.{path.stem}") for path in sorted(PACKAGE_DIR.glob("cases_*.py"))]


def all_cases() -> list[BadInput]:
    """Every case of every case file; names must be unique across files."""
    cases: list[BadInput] = []
    seen: dict[str, str] = {}
    for module in case_modules():
        for case in module.CASES:
            if not isinstance(case, BadInput):
                raise TypeError(f"{module.__name__}: CASES holds {case!r}, not a BadInput")
            if case.name in seen:
                raise ValueError(f"case name {case.name!r} is in both {seen[case.name]} and {module.__name__}")
            seen[case.name] = module.__name__
            cases.append(case)
    return cases


def baseline_inputs() -> list[BaselineInput]:
    """The good inputs every case file asks the baseline to hold, in file-name order."""
    found: list[BaselineInput] = []
    for module in case_modules():
        found.extend(getattr(module, "BASELINE_INPUTS", []))
    return found
