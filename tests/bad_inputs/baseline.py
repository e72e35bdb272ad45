"""The warehouse every case runs against: a small generated company, loaded as a user would load it.

``cloudcost generate`` (legacy CSV, three months: two closed, one open, with a restated month) gives the CUR,
the finance files with their sign-offs, and the usage and finance forecasts. The baseline loads the three
trimmed real exports of ``tests/fixtures/cur`` (legacy Parquet 2018-10, legacy CSV 2023-11, CUR 2.0 CSV
2026-04; other payers and periods) with the latest generated delivery of each period, then the finance
files, then the forecasts, each kind followed by the good inputs the case files ask for (``BASELINE_INPUTS``).
No dbt build runs: the forecast loader's host-type check reads ``marts.dim_host_type``, which the baseline
fills with the host types its usage forecasts name (the generator forecasts the host types its CUR carries,
so a build would list them too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cloudcost.generator import Options, generate, latest_deliveries
from cloudcost.settings import Settings

from .collect import BaselineInput
from .loaders import load
from .snapshot import Snapshot, take_snapshot

GENERATION = {"flavour": "legacy_csv", "rows": 3000, "months": 3, "seed": 14}
LOAD_ORDER = ("cur", "finance", "forecasts", "company")
CUR_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cur"
TRIMMED_EXPORTS = (
    CUR_FIXTURES / "legacy-parquet-2018-10-trimmed.snappy.parquet",
    CUR_FIXTURES / "legacy-csv-2023-11-trimmed.csv",
    CUR_FIXTURES / "cur2-2026-04-trimmed.csv",
)
HOST_TYPES_SQL = (
    "create table marts.dim_host_type as select distinct host_type, 'corpus baseline' as host_type_source "
    "from raw.raw_usage_forecasts"
)


def generate_company(out: Path) -> Path:
    """Write the generated company under ``out`` (once per test session)."""
    generate(Options(out=out, **GENERATION))
    return out


def generated_inputs(company: Path) -> dict[str, list[Path]]:
    return {
        "cur": [*TRIMMED_EXPORTS, *latest_deliveries(company)],
        "finance": [company / "finance", company / "sign_offs"],
        "forecasts": [company / "forecasts"],
    }


def _empty(settings: Settings) -> None:
    if settings.target == "duckdb":
        settings.duckdb_path.unlink(missing_ok=True)
        settings.duckdb_path.with_name(settings.duckdb_path.name + ".wal").unlink(missing_ok=True)
        return
    from dbt_harness import WAREHOUSE_SCHEMAS, reset_postgres_schemas

    reset_postgres_schemas(settings, WAREHOUSE_SCHEMAS)


def _fill_host_types(settings: Settings) -> None:
    statements = ["create schema if not exists marts", "drop table if exists marts.dim_host_type", HOST_TYPES_SQL]
    if settings.target == "duckdb":
        import duckdb

        con = duckdb.connect(str(settings.duckdb_path))
        try:
            for statement in statements:
                con.execute(statement)
        finally:
            con.close()
        return
    import psycopg2

    pg = psycopg2.connect(settings.pg_dsn)
    try:
        with pg.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
        pg.commit()
    finally:
        pg.close()


def _load_forecasts_unchecked(paths: Sequence[Path], settings: Settings) -> None:
    from cloudcost.forecasts.loading import load_forecast_files

    load_forecast_files(list(paths), settings, check_host_types=False)  # the dimension is filled after


@dataclass
class Baseline:
    """One engine's baseline warehouse and its snapshot; ``rebuild`` restores it after a case changed it."""

    settings: Settings
    company: Path
    extra_dir: Path
    extras: list[BaselineInput] = field(default_factory=list)
    snapshot: Snapshot = field(default_factory=dict)

    def rebuild(self) -> None:
        _empty(self.settings)
        inputs = generated_inputs(self.company)
        for kind in LOAD_ORDER:
            paths = list(inputs.get(kind, []))
            for extra in (item for item in self.extras if item.kind == kind):
                folder = self.extra_dir / extra.name
                folder.mkdir(parents=True, exist_ok=True)
                paths += extra.write(folder)
            if not paths:
                continue
            if kind == "forecasts":
                _load_forecasts_unchecked(paths, self.settings)
            else:
                load(kind, paths, self.settings)
        _fill_host_types(self.settings)
        self.snapshot = take_snapshot(self.settings)
