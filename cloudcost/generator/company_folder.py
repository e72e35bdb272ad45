"""The demo company's folder (DESIGN.md §6), written beside the generated CUR as ``OUT/company/``.

Its files are data in ``demo_company/`` (the mappings, coverage targets, business metrics and tolerances of
the synthetic company the generator invents); ``cloudcost demo`` and the tests on generated data use it as
their company folder. It is never applied to anything else: without ``--company`` the neutral starter applies.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

DEMO_COMPANY_DIR = Path(__file__).resolve().parent / "demo_company"
COMPANY_FOLDER = "company"


TEMPLATE_PAYER = "567667631044"  # the payer of the default seed, as written in demo_company/cloudcost.yml
BUDGETS_FILE = "budgets.csv"
BUDGET_REFERENCE_ROWS = 20_000  # demo_company/budgets.csv amounts are for a generation of this many line items


def write_demo_company(
    out: Path, payer_account_id: str = TEMPLATE_PAYER, currency: str = "USD", budget_scale: float = 1.0
) -> Path:
    """Copy the demo company's files to ``out/company`` (replacing an earlier copy), its cloudcost.yml naming
    the generated payer and currency and its budgets in that currency, scaled by ``budget_scale`` (the size of
    the generated company against the budgets' reference size); returns the folder."""
    destination = out / COMPANY_FOLDER
    if destination.exists():
        shutil.rmtree(destination)
    shutil.copytree(DEMO_COMPANY_DIR, destination)
    config = destination / "cloudcost.yml"
    text = config.read_text()
    text = text.replace(f'"{TEMPLATE_PAYER}"', f'"{payer_account_id}"')
    text = text.replace("currency: USD", f"currency: {currency}")
    config.write_text(text)
    _write_budgets(destination / BUDGETS_FILE, currency, budget_scale)
    return destination


def _write_budgets(path: Path, currency: str, scale: float) -> None:
    lines = path.read_text().splitlines()
    header_index = next(index for index, line in enumerate(lines) if not line.startswith("#"))
    rows = list(csv.DictReader(lines[header_index:]))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        row["currency"] = currency
        row["amount"] = str(round(float(row["amount"]) * scale))
        writer.writerow(row)
    path.write_text("\n".join(lines[:header_index]) + "\n" + buffer.getvalue())


def demo_company_dir(out: Path) -> Path:
    """The company folder of a generated data folder."""
    return Path(out) / COMPANY_FOLDER
