"""The company folder: the starter, the demo company and the samples' folder validate; every bad file or
cloudcost.yml ends in one `Error:` line naming file, line, column and value (exit 2, nothing built); the
placed seeds are what dbt reads; guard reads the folder's history from the git repository that holds it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from dbt_harness import SAMPLES_COMPANY

from cloudcost.cli import main
from cloudcost.company import CompanyFileError, place_company_seeds, read_company_folder
from cloudcost.company.folder import SEEDS_FOLDER
from cloudcost.company.spec import PROPERTIES_FILE, STARTER_DIR, company_files
from cloudcost.generator.company_folder import DEMO_COMPANY_DIR
from cloudcost.guard.company_history import check_company_history
from cloudcost.input_errors import InputError


@pytest.mark.parametrize("folder", [None, DEMO_COMPANY_DIR, SAMPLES_COMPANY], ids=["starter", "demo", "samples"])
def test_shipped_folders_are_valid(folder: Path | None) -> None:
    company = read_company_folder(folder)
    assert set(company.tables) == {spec.stem for spec in company_files()}
    assert company.config.payers


def test_every_company_file_has_a_commented_starter() -> None:
    for spec in company_files():
        text = (STARTER_DIR / spec.file_name).read_text()
        assert text.startswith("#"), spec.file_name
    assert (STARTER_DIR / "cloudcost.yml").read_text().startswith("#")


def test_starter_claims_only_the_neutral_tag_keys() -> None:
    rules = read_company_folder(None).tables["map_team_tag_rules"].rows
    assert {(row["input_kind"], row["input_key"]) for _, row in rules} == {
        ("tag", "user_team"),
        ("tag", "user_cost_center"),
        ("cost_category", "team"),
    }
    assert all(row["team"] == "" for _, row in rules)  # the value names the team; nothing company-specific


def test_placed_seeds_drop_comments_and_carry_the_properties(tmp_path: Path) -> None:
    place_company_seeds(None, tmp_path)
    placed = tmp_path / SEEDS_FOLDER
    assert (placed / PROPERTIES_FILE.name).read_text() == PROPERTIES_FILE.read_text()
    rules = (placed / "map_team_tag_rules.csv").read_text().splitlines()
    assert rules[0].startswith("rule_id,precedence") and not any(line.startswith("#") for line in rules)


def company_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "company"
    shutil.copytree(DEMO_COMPANY_DIR, folder)
    return folder


BAD_FILES = [
    ("map_account_teams.csv", "087823554035,payments,2015-13-01,,x", "valid_from", "is not a date"),
    ("map_team_tag_rules.csv", "r,ten,tag,user_team,,,2015-01-01,,x", "precedence", "is not a whole number"),
    ("map_team_tag_rules.csv", "r,99,label,user_team,,,2015-01-01,,x", "input_kind", "is not one of tag"),
    ("commitment_coverage_targets.csv", "ri_coverage,AmazonEC2,*,high,2018-01-01,,", "target", "is not a number"),
    ("map_account_teams.csv", "087823554035,,2015-01-01,,x", "team", "team is required"),
    ("map_account_teams.csv", "087823554035,payments,2016-01-01,2015-01-01,x", "valid_to", "must be after"),
]


@pytest.mark.parametrize(("file_name", "row", "column", "why"), BAD_FILES)
def test_a_bad_value_names_file_line_column_and_value(
    tmp_path: Path, file_name: str, row: str, column: str, why: str
) -> None:
    folder = company_copy(tmp_path)
    path = folder / file_name
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, row]) + "\n")
    with pytest.raises(CompanyFileError) as raised:
        read_company_folder(folder)
    error = raised.value
    assert isinstance(error, InputError)
    assert (Path(error.file), error.line, error.column) == (path, len(lines) + 1, column)
    message = error.format_message()
    assert why in message and "\n" not in message and message.endswith("Nothing was built.")


RATES_HEADER = "currency,reporting_currency,rate,valid_from,valid_to,source"
RATES_FIRST = "INR,USD,0.012,2026-01-01,2026-02-01,treasury"
BAD_RATES = [
    ("EUR,USD,0,2026-01-01,,treasury", "rate", "must be positive"),
    ("EUR,USD,-0.9,2026-01-01,,treasury", "rate", "must be positive"),
    ("eur,USD,0.9,2026-01-01,,treasury", "currency", "is not a currency code"),
    ("USD,USD,1,2026-01-01,,treasury", "currency", "into itself"),
    ("INR,EUR,0.011,2026-01-01,,treasury", "reporting_currency", "one reporting currency"),
    ("INR,USD,0.012,2026-02-01,2026-01-15,treasury", "valid_to", "must be after"),
]


@pytest.mark.parametrize(("row", "column", "why"), BAD_RATES)
def test_a_bad_exchange_rate_names_file_line_and_column(tmp_path: Path, row: str, column: str, why: str) -> None:
    folder = company_copy(tmp_path)
    path = folder / "exchange_rates.csv"
    path.write_text(f"# rates\n{RATES_HEADER}\n{RATES_FIRST}\n{row}\n")
    with pytest.raises(CompanyFileError) as raised:
        read_company_folder(folder)
    error = raised.value
    assert (Path(error.file), error.line, error.column) == (path, 4, column)
    assert why in error.format_message()


def test_good_exchange_rates_are_placed_for_dbt(tmp_path: Path) -> None:
    folder = company_copy(tmp_path)
    (folder / "exchange_rates.csv").write_text(f"{RATES_HEADER}\n{RATES_FIRST}\nEUR,USD,1.08,2026-01-01,,ecb\n")
    table = read_company_folder(folder).tables["exchange_rates"]
    assert [values["currency"] for _, values in table.rows] == ["INR", "EUR"]


def test_unknown_file_and_column_are_refused(tmp_path: Path) -> None:
    folder = company_copy(tmp_path)
    (folder / "map_acount_teams.csv").write_text("account_id\n")
    with pytest.raises(CompanyFileError, match="is not a company file"):
        read_company_folder(folder)
    (folder / "map_acount_teams.csv").unlink()
    teams = folder / "teams.csv"
    teams.write_text(teams.read_text().replace("team,team_name,description", "team,team_name,description,colour", 1))
    with pytest.raises(CompanyFileError) as raised:
        read_company_folder(folder)
    assert raised.value.column == "colour"


CONFIG_ERRORS = [
    ("company: X\npayers:\n  - account_id: 123456789012\n    currency: USD\n", 3, "account_id", "quoted"),
    ('company: X\npayers:\n  - account_id: "123456789012"\n    currency: usd\n', 4, "currency", "ISO 4217"),
    ('company: X\npayers:\n  - account_id: "123456789012"\n    currency: USD\nregion: eu\n', 5, "region", "unknown"),
    ('company: X\npayers:\n  - account_id: "1234"\n    currency: USD\n', 3, "account_id", "12-digit"),
    ("company: X\npayers: []\n", 2, "payers", "at least one payer"),
    ("company: X\npayers: [\n", None, None, "not valid YAML"),
]


@pytest.mark.parametrize(("text", "line", "key", "why"), CONFIG_ERRORS)
def test_cloudcost_yml_errors_name_the_line_and_key(
    tmp_path: Path, text: str, line: int | None, key: str | None, why: str
) -> None:
    folder = company_copy(tmp_path)
    (folder / "cloudcost.yml").write_text(text)
    with pytest.raises(CompanyFileError) as raised:
        read_company_folder(folder)
    if line is not None:
        assert (raised.value.line, raised.value.column) == (line, key)
    assert why in raised.value.format_message()


def test_build_with_a_bad_folder_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    folder = company_copy(tmp_path)
    (folder / "map_account_teams.csv").write_text("account_id,team,valid_from,valid_to,description\n1,a,soon,,x\n")
    env = {"CLOUDCOST_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"), "CLOUDCOST_TARGET": "duckdb"}
    outcome = CliRunner().invoke(main, ["--company", str(folder), "build"], env=env)
    assert outcome.exit_code == 2
    errors = [line for line in outcome.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("Error: ")
    assert "map_account_teams.csv, line 2, column valid_from, value 'soon'" in errors[0]
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_a_folder_without_cloudcost_yml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CompanyFileError) as raised:
        read_company_folder(tmp_path)
    assert "has no cloudcost.yml" in raised.value.format_message()
    assert "cloudcost init" in raised.value.format_message()


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        check=True,
        capture_output=True,
    )


def test_guard_reads_the_company_history_from_its_own_repository(tmp_path: Path) -> None:
    repo = tmp_path / "company-repo"
    folder = repo / "finops" / "company"
    shutil.copytree(STARTER_DIR, folder)
    git(repo, "init", "--quiet", "--initial-branch", "main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "starter")
    rules = folder / "map_team_tag_rules.csv"
    original = rules.read_text()
    assert check_company_history(folder, "main") == []

    rules.write_text(original.replace("cost_center_tag,20,", "cost_center_tag,25,"))
    [finding] = [finding for finding in check_company_history(folder, "main") if finding.violation]
    assert "company/map_team_tag_rules.csv" in finding.line() and "edited in place" in finding.line()

    closed = original.replace(
        "cost_center_tag,20,tag,user_cost_center,,,2000-01-01,,",
        "cost_center_tag,20,tag,user_cost_center,,,2000-01-01,2026-01-01,",
    )
    rules.write_text(closed + "cost_center_tag,20,tag,user_cost_center,,,2026-01-01,,now mapped per cost centre\n")
    findings = check_company_history(folder, "main")
    assert not any(finding.violation for finding in findings)
    assert any("closed: valid_to 2026-01-01" in finding.line() for finding in findings)


def test_a_folder_outside_git_is_reported_not_failed(tmp_path: Path) -> None:
    folder = company_copy(tmp_path)
    [finding] = check_company_history(folder, "main")
    assert not finding.violation and "not in a git repository" in finding.message


def _place_repeatedly(project: str, times: int) -> int:
    """Place the starter ``times`` times; the number of files the seeds folder held each time after placing."""
    seen = set()
    for _ in range(times):
        place_company_seeds(None, Path(project))
        seen.add(len(list((Path(project) / SEEDS_FOLDER).glob("*.csv"))))
    return len(seen)


def test_processes_placing_the_same_company_at_once_never_break_the_seeds_folder(tmp_path: Path) -> None:
    """Parallel builds (or a test run's workers) place the same company into one project at the same time: none
    fails, and the seeds folder is whole after each placement (a shared staging folder made this fail)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=4, mp_context=context) as pool:
        results = list(pool.map(_place_repeatedly, [str(tmp_path)] * 4, [25] * 4))
    assert results == [1, 1, 1, 1]
    assert not [p.name for p in (tmp_path / SEEDS_FOLDER).parent.iterdir() if ".new-" in p.name or ".old-" in p.name]
