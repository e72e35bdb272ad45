"""The guard's seed-history rule on small CSV files: rows on the base may only be closed, never rewritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudcost.guard.seed_history import SeedFinding, compare_seed, read_seed_csv

BASE = """rule_id,rule_order,service_code,functional_group,valid_from,valid_to,description
analytics_glue,40,AWSGlue,data_and_analytics,2015-01-01,,Data preparation
security_config,11,AWSConfig,security_and_compliance,2015-01-01,,Configuration recording
old_rule,50,AmazonS3,corporate,2015-01-01,2020-01-01,Closed long ago
"""


def findings_for(tmp_path: Path, head_text: str | None) -> list[SeedFinding]:
    base_path = tmp_path / "base.csv"
    base_path.write_text(BASE)
    head = None
    if head_text is not None:
        head_path = tmp_path / "head.csv"
        head_path.write_text(head_text)
        head = read_seed_csv(head_path)
    return compare_seed("seeds/map_functional_group_rules.csv", read_seed_csv(base_path), head, "main")


def violations(findings: list[SeedFinding]) -> list[str]:
    return [finding.message for finding in findings if finding.violation]


def test_unchanged_seed_has_no_findings(tmp_path: Path) -> None:
    assert findings_for(tmp_path, BASE) == []


def test_rows_may_be_reordered(tmp_path: Path) -> None:
    lines = BASE.splitlines()
    reordered = "\n".join([lines[0], lines[3], lines[1], lines[2]]) + "\n"
    assert findings_for(tmp_path, reordered) == []


def test_closing_a_row_and_adding_its_successor_passes(tmp_path: Path) -> None:
    head = BASE.replace(
        "analytics_glue,40,AWSGlue,data_and_analytics,2015-01-01,,Data preparation\n",
        "analytics_glue,40,AWSGlue,data_and_analytics,2015-01-01,2024-01-01,Data preparation\n"
        "analytics_glue,40,AWSGlue,research_and_development,2024-01-01,,Glue is development work\n",
    )
    found = findings_for(tmp_path, head)
    assert violations(found) == []
    messages = [finding.message for finding in found]
    assert any("closed: valid_to 2024-01-01" in message for message in messages)
    assert any("added (rule_id=analytics_glue, valid_from=2024-01-01)" in message for message in messages)


def test_in_place_edit_is_named_with_row_and_change(tmp_path: Path) -> None:
    head = BASE.replace(
        "analytics_glue,40,AWSGlue,data_and_analytics,2015-01-01,,",
        "analytics_glue,40,AWSGlue,production,2015-01-01,,",
    )
    problems = violations(findings_for(tmp_path, head))
    assert len(problems) == 1
    assert "row 2 on main (rule_id=analytics_glue, valid_from=2015-01-01) was edited in place" in problems[0]
    assert "functional_group 'data_and_analytics' -> 'production'" in problems[0]


def test_moving_valid_from_of_an_existing_row_is_an_edit(tmp_path: Path) -> None:
    head = BASE.replace(
        "security_config,11,AWSConfig,security_and_compliance,2015-01-01,",
        "security_config,11,AWSConfig,security_and_compliance,2016-01-01,",
    )
    problems = violations(findings_for(tmp_path, head))
    assert len(problems) == 1
    assert "security_config" in problems[0]


def test_changing_valid_to_of_a_closed_row_is_an_edit(tmp_path: Path) -> None:
    head = BASE.replace(
        "old_rule,50,AmazonS3,corporate,2015-01-01,2020-01-01", "old_rule,50,AmazonS3,corporate,2015-01-01,2021-01-01"
    )
    problems = violations(findings_for(tmp_path, head))
    assert len(problems) == 1
    assert "valid_to '2020-01-01' -> '2021-01-01'" in problems[0]


def test_deleted_row_is_caught(tmp_path: Path) -> None:
    head = "\n".join(line for line in BASE.splitlines() if not line.startswith("security_config")) + "\n"
    problems = violations(findings_for(tmp_path, head))
    assert len(problems) == 1
    assert "row 3 on main (rule_id=security_config, valid_from=2015-01-01) was deleted" in problems[0]


def test_deleted_seed_file_is_caught(tmp_path: Path) -> None:
    problems = violations(findings_for(tmp_path, None))
    assert problems and "deleted" in problems[0]


def test_description_may_be_reworded(tmp_path: Path) -> None:
    head = BASE.replace("Data preparation", "Data preparation and ETL jobs")
    found = findings_for(tmp_path, head)
    assert violations(found) == []
    assert any("text edited" in finding.message for finding in found)


def test_removed_column_is_caught(tmp_path: Path) -> None:
    head = "\n".join(",".join(line.split(",")[:2] + line.split(",")[3:]) for line in BASE.splitlines()) + "\n"
    problems = violations(findings_for(tmp_path, head))
    assert problems and "service_code" in problems[0]


@pytest.mark.parametrize("filled", [False, True])
def test_new_column_must_stay_empty_on_existing_rows(tmp_path: Path, filled: bool) -> None:
    lines = BASE.splitlines()
    head_lines = [lines[0] + ",usage_type_pattern"]
    for index, line in enumerate(lines[1:]):
        head_lines.append(line + (",%Crawler%" if filled and index == 0 else ","))
    problems = violations(findings_for(tmp_path, "\n".join(head_lines) + "\n"))
    assert bool(problems) is filled


def test_account_ids_keep_leading_zeros(tmp_path: Path) -> None:
    path = tmp_path / "map_account_teams.csv"
    path.write_text("account_id,team,valid_from,valid_to,description\n011254002932,analytics,2015-01-01,,x\n")
    table = read_seed_csv(path)
    assert table.rows[0][1]["account_id"] == "011254002932"
    assert table.rows[0][1]["valid_to"] is None


def _git(repo: Path, *args: str) -> str:
    import subprocess

    command = ["git", "-C", str(repo), "-c", "user.name=cloudcost tests", "-c", "user.email=tests@example.invalid"]
    return subprocess.run([*command, *args], capture_output=True, text=True, check=True).stdout


def _moved_repo(tmp_path: Path, company_text: str) -> tuple[Path, str]:
    """A project whose base commit has seeds/map_functional_group_rules.csv and whose working tree has the
    same rules in its company folder instead (the move of company data out of the product's seeds)."""
    repo = tmp_path / "repo"
    (repo / "seeds").mkdir(parents=True)
    (repo / "dbt_project.yml").write_text("name: moved\nseed-paths: ['seeds']\n")
    (repo / "seeds" / "map_functional_group_rules.csv").write_text(BASE)
    _git(repo, "init", "--quiet", "--initial-branch", "main")
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--message", "before the company folder")
    base = _git(repo, "rev-parse", "HEAD").strip()
    _git(repo, "rm", "--quiet", "seeds/map_functional_group_rules.csv")
    (repo / "company").mkdir()
    (repo / "company" / "map_functional_group_rules.csv").write_text(company_text)
    return repo, base


def moved_findings(tmp_path: Path, company_text: str, with_company: bool = True) -> list[SeedFinding]:
    from cloudcost.guard.seed_history import check_seed_history

    repo, base = _moved_repo(tmp_path, company_text)
    return check_seed_history(repo, base, "base", repo / "company" if with_company else None)


def test_a_seed_moved_unchanged_into_the_company_folder_keeps_its_history(tmp_path: Path) -> None:
    commented = "# functional group rules (comment lines are not rows)\n" + BASE
    found = moved_findings(tmp_path, commented)
    assert violations(found) == []
    assert [finding.path for finding in found] == [
        "seeds/map_functional_group_rules.csv -> company/map_functional_group_rules.csv"
    ]
    assert "moved into the company folder" in found[0].message


def test_a_row_edited_while_moving_into_the_company_folder_is_caught(tmp_path: Path) -> None:
    edited = BASE.replace("analytics_glue,40,AWSGlue,data_and_analytics", "analytics_glue,40,AWSGlue,production")
    problems = violations(moved_findings(tmp_path, edited))
    assert len(problems) == 1
    assert "row 2 on base (rule_id=analytics_glue, valid_from=2015-01-01) was edited in place" in problems[0]


def test_a_moved_seed_missing_from_the_company_folder_is_caught(tmp_path: Path) -> None:
    repo, base = _moved_repo(tmp_path, BASE)
    from cloudcost.guard.seed_history import check_seed_history

    (repo / "company" / "map_functional_group_rules.csv").unlink()
    problems = violations(check_seed_history(repo, base, "base", repo / "company"))
    assert len(problems) == 1 and "the company folder has no map_functional_group_rules.csv" in problems[0]


def test_without_a_company_folder_the_move_is_reported_not_failed(tmp_path: Path) -> None:
    found = moved_findings(tmp_path, BASE, with_company=False)
    assert violations(found) == []
    assert len(found) == 1 and "give --company DIR" in found[0].message


def test_a_deleted_product_seed_that_is_no_company_file_still_fails(tmp_path: Path) -> None:
    from cloudcost.guard.seed_history import check_seed_history

    repo, _ = _moved_repo(tmp_path, BASE)
    (repo / "seeds").mkdir(exist_ok=True)
    (repo / "seeds" / "map_region_rules.csv").write_text(BASE)
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--message", "a product mapping seed")
    second = _git(repo, "rev-parse", "HEAD").strip()
    (repo / "seeds" / "map_region_rules.csv").unlink()
    problems = violations(check_seed_history(repo, second, "base", repo / "company"))
    assert len(problems) == 1 and "the seed was deleted" in problems[0]
