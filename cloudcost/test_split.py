"""Which dbt tests a production build runs, and which only `cloudcost check` and CI run.

The rule (mirrored by the selectors in ``selectors.yml``; a test checks that both agree):

- a **money check** runs in every `cloudcost build`: every singular test in ``data-tests/`` except the
  forecast-input checks in ``data-tests/forecasts/``; every conservation test (generic test ``totals_match``);
  every test tagged ``money`` (the keys of the line-grain tables, the reconciliation key);
- every other test — per-column ``not_null``, ``unique``, ``accepted_values``, ``relationships``, the other
  generic tests, and every unit test — runs in `cloudcost check`, `cloudcost build --with-tests` and CI.

A new test lands in its set by where it lives and what it is; tag a generic test ``money`` to put it in the
production build.
"""

from __future__ import annotations

from typing import Any

MONEY_TAG = "money"
CONSERVATION_TESTS = frozenset({"totals_match"})
SINGULAR_TEST_FOLDER = "data-tests/"
NOT_MONEY_FOLDERS = ("data-tests/forecasts/",)

PRODUCTION_SELECTOR = "production"  # every model, seed and snapshot + the money checks
MONEY_SELECTOR = "money_checks"
CHECK_ONLY_SELECTOR = "check_only"


def _get(node: Any, name: str, default: Any = None) -> Any:
    if isinstance(node, dict):
        return node.get(name, default)
    return getattr(node, name, default)


def _test_type_name(node: Any) -> str | None:
    metadata = _get(node, "test_metadata")
    if metadata is None:
        return None
    return str(_get(metadata, "name"))


def is_money_check(node: Any) -> bool:
    """Does this manifest node (a dict from manifest.json or dbt's node object) run in the production build?"""
    if str(_get(node, "resource_type", "")) not in {"test", "NodeType.Test"}:
        return False
    if MONEY_TAG in (_get(node, "tags") or []):
        return True
    test_type = _test_type_name(node)
    if test_type is not None:
        return test_type in CONSERVATION_TESTS
    path = str(_get(node, "original_file_path", "")).replace("\\", "/")
    return path.startswith(SINGULAR_TEST_FOLDER) and not path.startswith(NOT_MONEY_FOLDERS)


def money_check_results(results: list[Any]) -> list[Any]:
    """The results of a dbt run that belong to money checks (e.g. to gate publishing on them)."""
    return [result for result in results if is_money_check(_get(result, "node"))]
