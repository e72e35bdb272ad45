"""``load_finance_paths``: finance CSV files or folders of them into the raw tables, checked first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cloudcost.finance.cross_checks import check_against_warehouse
from cloudcost.finance.errors import FinanceLoadError
from cloudcost.finance.reader import FinanceReader
from cloudcost.finance.report import FinanceLoadReport, LoadedFile
from cloudcost.finance.writer import write_duckdb, write_postgres, write_spark
from cloudcost.settings import Settings, load_settings


def discover(paths: Sequence[str | Path]) -> list[Path]:
    """The CSV files named, and the *.csv files directly inside the folders named (sorted)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv"))
        elif path.is_file():
            found.append(path)
        else:
            raise FinanceLoadError("no such file or folder", file=path, fix="Check the path.")
    if not found:
        raise FinanceLoadError(
            f"no CSV file found in {', '.join(str(p) for p in paths)}",
            fix="Finance files end in .csv; a folder is read one level deep.",
        )
    return found


def load_finance_paths(paths: Sequence[str | Path], settings: Settings | None = None) -> FinanceLoadReport:
    """Read, check and load finance files; raises ``FinanceLoadError`` (nothing written) on any problem."""
    settings = settings or load_settings()
    files = discover(paths)
    con = duckdb.connect()
    try:
        reader = FinanceReader(con)
        read = [reader.read(path) for path in files]
        staged = reader.stage(read)
        check_against_warehouse(con, settings, staged)
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        if settings.target == "postgres":
            write_postgres(con, settings, staged, loaded_at)
        elif settings.target == "spark":
            write_spark(con, settings, staged, loaded_at)
        else:
            write_duckdb(con, settings, staged, loaded_at)
    finally:
        con.close()
    return FinanceLoadReport(
        target=settings.target,
        files=[LoadedFile(file.path, file.kind.name, file.row_count) for file in read],
    )
