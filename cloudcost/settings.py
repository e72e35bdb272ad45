"""Where things are and which warehouse to use, from the environment (DESIGN.md §4)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# the dbt project a built (non-editable) install carries inside the package; setup.py copies it there
BUNDLED_PROJECT = PACKAGE_DIR / "dbt_project"
PROJECT_DIR_ENV = "CLOUDCOST_PROJECT_DIR"


def locate_project() -> Path:
    """The dbt project the CLI runs: CLOUDCOST_PROJECT_DIR when set, else the checkout this package is in,
    else the copy bundled in the installed package (dbt writes its target/ and the CLI its .cloudcost/ there)."""
    configured = os.environ.get(PROJECT_DIR_ENV, "").strip()
    if configured:
        return Path(configured).resolve()
    checkout = PACKAGE_DIR.parent
    if (checkout / "dbt_project.yml").exists():
        return checkout
    return BUNDLED_PROJECT


PROJECT_ROOT = locate_project()
RAW_SCHEMA = "raw"
TARGETS = ("duckdb", "postgres", "spark")


@dataclass(frozen=True)
class Settings:
    target: str
    duckdb_path: Path
    pg_host: str
    pg_port: int
    pg_user: str
    pg_password: str
    pg_database: str
    # the company folder (DESIGN.md §6): --company DIR or CLOUDCOST_COMPANY_DIR; None = the neutral starter
    company_dir: Path | None = None
    # Spark: the folder of the local catalog (Derby metastore), the tables' files and the published marts
    spark_warehouse: Path = Path("warehouse/spark")

    @property
    def pg_dsn(self) -> str:
        parts = [
            f"host={self.pg_host}",
            f"port={self.pg_port}",
            f"user={self.pg_user}",
            f"dbname={self.pg_database}",
        ]
        if self.pg_password:
            parts.append(f"password={self.pg_password}")
        return " ".join(parts)


def load_settings(target: str | None = None) -> Settings:
    """Read CLOUDCOST_TARGET, CLOUDCOST_DUCKDB_PATH, CLOUDCOST_SPARK_WAREHOUSE and the standard PG* variables."""
    chosen = (target or os.environ.get("CLOUDCOST_TARGET") or "duckdb").lower()
    if chosen not in TARGETS:
        raise ValueError(f"CLOUDCOST_TARGET must be one of {', '.join(TARGETS)}, not {chosen!r}")
    duckdb_path = Path(os.environ.get("CLOUDCOST_DUCKDB_PATH", "warehouse/cloudcost.duckdb"))
    if not duckdb_path.is_absolute():
        duckdb_path = Path.cwd() / duckdb_path
    return Settings(
        target=chosen,
        duckdb_path=duckdb_path,
        pg_host=os.environ.get("PGHOST", "localhost"),
        pg_port=int(os.environ.get("PGPORT", "5432")),
        pg_user=os.environ.get("PGUSER", "postgres"),
        pg_password=os.environ.get("PGPASSWORD", ""),
        pg_database=os.environ.get("PGDATABASE", "cloudcost"),
        company_dir=company_dir_from_environment(),
        spark_warehouse=_absolute(Path(os.environ.get("CLOUDCOST_SPARK_WAREHOUSE", "warehouse/spark"))),
    )


def _absolute(path: Path) -> Path:
    return path if path.is_absolute() else Path.cwd() / path


def company_dir_from_environment() -> Path | None:
    """``CLOUDCOST_COMPANY_DIR`` (set by the global ``--company`` option too), absolute; None when unset."""
    configured = os.environ.get("CLOUDCOST_COMPANY_DIR", "").strip()
    if not configured:
        return None
    path = Path(configured)
    return path if path.is_absolute() else Path.cwd() / path
