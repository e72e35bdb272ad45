"""The bad-input corpus: every case of every ``cases_<kind>.py`` is refused in one clear line, changing nothing.

Each case runs in this process through its kind's loader, against a baseline warehouse (a small generated
company, see ``baseline.py``) on DuckDB and on Postgres. It must raise
``cloudcost.input_errors.InputError`` whose formatted message is one line, contains the case's expected
fragment (case-insensitive) and names the input; the warehouse snapshot (row counts and sums per period of
every raw table, the small tables row for row) must be what it was. A case that changes the warehouse fails
and the baseline is rebuilt for the next one. A few representative cases also run through the real command
line: one line on stderr beginning ``Error:``, exit code 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cloudcost.input_errors import InputError
from cloudcost.settings import PROJECT_ROOT, load_settings

from .baseline import Baseline, generate_company
from .collect import all_cases, baseline_inputs
from .loaders import COMMANDS, load
from .model import KINDS, BadInput
from .snapshot import describe_difference, take_snapshot

CASES = all_cases()
ENGINES = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
POSTGRES_DATABASE = "cloudcost_bad_inputs"


@pytest.fixture(scope="session")
def corpus_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_company(tmp_path_factory.mktemp("corpus_company"))


@pytest.fixture(scope="session")
def corpus_baselines(
    corpus_company: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[pytest.FixtureRequest, str], Baseline]]:
    """engine -> its baseline, built on first use and kept for the session."""
    built: dict[str, Baseline] = {}

    def get(request: pytest.FixtureRequest, engine: str) -> Baseline:
        if engine not in built:
            if engine == "postgres":
                settings = request.getfixturevalue("postgres_database")(POSTGRES_DATABASE)
            else:
                folder = tmp_path_factory.mktemp("corpus_duckdb")
                settings = replace(load_settings("duckdb"), duckdb_path=folder / "cloudcost.duckdb")
            baseline = Baseline(
                settings=settings,
                company=corpus_company,
                extra_dir=tmp_path_factory.mktemp(f"corpus_baseline_inputs_{engine}"),
                extras=baseline_inputs(),
            )
            baseline.rebuild()
            built[engine] = baseline
        return built[engine]

    yield get


def names_the_input(message: str, folder: Path, paths: list[Path]) -> bool:
    return str(folder) in message or any(path.name in message for path in paths)


def refusal(case: BadInput, baseline: Baseline, folder: Path) -> tuple[InputError, list[Path]]:
    """Write the case, load it in-process; the InputError it raised (the test fails on anything else)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = case.write(folder)
    try:
        load(case.kind, paths, baseline.settings)
    except InputError as error:
        return error, paths
    finally:
        after = take_snapshot(baseline.settings)
        if after != baseline.snapshot:
            difference = describe_difference(baseline.snapshot, after)
            baseline.rebuild()
            pytest.fail(f"{case.name}: the warehouse changed: {difference}")
    pytest.fail(f"{case.name}: the load was accepted; expected a refusal containing {case.expected!r}")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_bad_input_is_refused_in_one_line_and_changes_nothing(
    case: BadInput,
    engine: str,
    request: pytest.FixtureRequest,
    corpus_baselines: Callable[[pytest.FixtureRequest, str], Baseline],
    tmp_path: Path,
) -> None:
    baseline = corpus_baselines(request, engine)
    folder = tmp_path / "input"
    error, paths = refusal(case, baseline, folder)
    message = error.format_message()
    assert "\n" not in message and "\r" not in message, message
    assert case.expected.lower() in message.lower(), f"{case.name}: expected {case.expected!r} in: {message}"
    assert names_the_input(message, folder, paths), f"{case.name}: the message names no input: {message}"


def test_the_corpus_covers_the_cur_loader() -> None:
    cur = [case for case in CASES if case.kind == "cur"]
    assert len(cur) >= 35
    assert {2, 3, 4, 5, 7} <= {case.why_item for case in cur}
    assert len([case for case in CASES if case.kind == "company"]) >= 8
    assert len(CASES) >= 60
    assert len({case.name for case in CASES}) == len(CASES)


def test_the_corpus_covers_the_finance_and_forecast_loaders() -> None:
    by_kind = {kind: [case for case in CASES if case.kind == kind] for kind in KINDS}
    assert len(by_kind["finance"]) + len(by_kind["forecasts"]) >= 25
    item_9 = [case.expected.lower() for case in by_kind["finance"] if case.why_item == 9]
    assert any("ledger line posts invoice" in text and "but the invoice is in" in text for text in item_9)
    assert any("cur delivery" in text and "not loaded" in text for text in item_9)
    for words in ("nan", "infinity", "1e999"):
        assert any(f"value '{words}'" in case.expected.lower() for case in by_kind["finance"]), words
    for words in ("nan", "inf"):
        assert any(f"value '{words}'" in case.expected.lower() for case in by_kind["forecasts"]), words


def representative_cases(cases: list[BadInput]) -> list[BadInput]:
    """One case per kind the command line loads: the first that covers a "Why" item, else the first."""
    chosen = []
    for kind in KINDS:
        of_kind = [case for case in cases if case.kind == kind]
        if kind in COMMANDS and of_kind:
            chosen.append(next((case for case in of_kind if case.why_item is not None), of_kind[0]))
    return chosen


def test_the_command_line_prints_one_error_line_and_exits_2(
    request: pytest.FixtureRequest,
    corpus_baselines: Callable[[pytest.FixtureRequest, str], Baseline],
    tmp_path: Path,
) -> None:
    baseline = corpus_baselines(request, "duckdb")
    chosen = representative_cases(CASES)
    assert len(chosen) >= 2, "the corpus needs cases of at least two kinds"
    env = {
        **os.environ,
        "CLOUDCOST_TARGET": "duckdb",
        "CLOUDCOST_DUCKDB_PATH": str(baseline.settings.duckdb_path),
        "PYTHONWARNINGS": "default",  # a warning printed to stderr would break the one line: let it show
    }
    for case in chosen:
        folder = tmp_path / case.name
        folder.mkdir()
        paths = case.write(folder)
        command = [sys.executable, "-m", "cloudcost.cli", *COMMANDS[case.kind], *map(str, paths)]
        result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
        lines = result.stderr.splitlines()
        assert result.returncode == 2, f"{case.name}: exit {result.returncode}\n{result.stderr}"
        assert len(lines) == 1 and lines[0].startswith("Error: "), f"{case.name}: stderr was:\n{result.stderr}"
        assert case.expected.lower() in lines[0].lower(), f"{case.name}: {lines[0]}"
    after = take_snapshot(baseline.settings)
    if after != baseline.snapshot:
        difference = describe_difference(baseline.snapshot, after)
        baseline.rebuild()
        pytest.fail(f"the warehouse changed: {difference}")
