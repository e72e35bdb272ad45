"""The parallel run's grouping (conftest.DEMO_MODULES) names every module that reads a demo warehouse."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import DEMO_MODULES

TESTS = Path(__file__).resolve().parent
# what a module uses when it reads a demo warehouse built by dashboard_warehouse.py
DEMO_USES = re.compile(r"\b(shared_warehouse|postgres_demo|run_demo|build_warehouse|DEMO_OUTPUT)\b")


def test_every_demo_reader_shares_the_demo_worker() -> None:
    readers = {
        path.stem for path in TESTS.glob("test_*.py") if path != Path(__file__) and DEMO_USES.search(path.read_text())
    }
    assert readers == set(DEMO_MODULES), (
        f"modules reading a demo warehouse {sorted(readers)} differ from conftest.DEMO_MODULES {sorted(DEMO_MODULES)}"
    )
