"""Bad company folders (``cloudcost --company DIR build``): the folder is validated before dbt runs, so a bad
mapping file, target or register stops the build with one line and nothing is built."""

from __future__ import annotations

import shutil
from pathlib import Path

from cloudcost.company.spec import STARTER_DIR

from .model import BadInput
from .writers import Writer


def company(files: dict[str, str | bytes], drop: tuple[str, ...] = ()) -> Writer:
    """A company folder: the neutral starter with some files replaced (text or bytes) or removed."""

    def write(folder: Path) -> list[Path]:
        target = folder / "company"
        shutil.copytree(STARTER_DIR, target)
        for name in drop:
            (target / name).unlink()
        for name, content in files.items():
            path = target / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return [target]

    return write


ACCOUNTS = "account_id,team,valid_from,valid_to,description\n"
TEAMS = "team,team_name,description\nunallocated,Unallocated,Nobody\nplatform,Platform,Runs the platform\n"
TARGETS = "metric,service_code,instance_family,target,valid_from,valid_to,note\n"
REGISTER = "anomaly_key,status,note,owner,updated_on\n"

CASES = [
    BadInput(
        "company-account-map-without-team-column",
        "company",
        company({"map_account_teams.csv": "account_id,valid_from,valid_to,description\n"}),
        "map_account_teams.csv",
    ),
    BadInput(
        "company-account-map-bad-date",
        "company",
        company({"map_account_teams.csv": ACCOUNTS + "000123456789,unallocated,2026-13-01,,wrong month\n"}),
        "valid_from",
    ),
    BadInput(
        "company-account-map-empty-team",
        "company",
        company({"map_account_teams.csv": ACCOUNTS + "000123456789,,2026-01-01,,no team\n"}),
        "column team",
    ),
    BadInput(
        "company-target-not-a-number",
        "company",
        company({"commitment_coverage_targets.csv": TARGETS + "ri_coverage,AmazonEC2,m5,eighty,2026-01-01,,\n"}),
        "value 'eighty'",
    ),
    BadInput(
        "company-target-nan",
        "company",
        company({"commitment_coverage_targets.csv": TARGETS + "ri_coverage,AmazonEC2,m5,NaN,2026-01-01,,\n"}),
        "value 'NaN': is not a finite number",
    ),
    BadInput(
        "company-register-unknown-status",
        "company",
        company({"anomaly_register.csv": REGISTER + "abc123,maybe,,,2026-01-01\n"}),
        "value 'maybe'",
    ),
    BadInput(
        "company-teams-unknown-column",
        "company",
        company({"teams.csv": "team,team_name,description,colour\nplatform,Platform,Runs it,blue\n"}),
        "colour",
    ),
    BadInput(
        "company-teams-bad-encoding",
        "company",
        company({"teams.csv": TEAMS.encode() + b"caf\xe9,Caf\xe9,Coffee\n"}),
        "teams.csv",
    ),
    BadInput(
        "company-config-not-yaml",
        "company",
        company({"cloudcost.yml": "company: [unclosed\n"}),
        "cloudcost.yml",
    ),
    BadInput(
        "company-folder-missing",
        "company",
        lambda folder: [folder / "no-such-company"],
        "no-such-company",
    ),
]
