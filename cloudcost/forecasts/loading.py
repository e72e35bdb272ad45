"""``load_forecast_files``: check forecast files and add their vintages to the raw forecast tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cloudcost.forecasts.store import (
    known_host_types,
    loaded_rows,
    loaded_vintages,
    staged_rows,
    write_vintages,
)
from cloudcost.forecasts.tables import KINDS, ForecastKind
from cloudcost.forecasts.validation import ForecastFile, ForecastFileError, Vintage, read_forecast_file
from cloudcost.settings import Settings, load_settings
from cloudcost.warehouse import ensure_postgres_database

LOADED, ALREADY_LOADED = "loaded", "already loaded"


@dataclass
class LoadedVintage:
    vintage: Vintage
    status: str


@dataclass
class ForecastLoadReport:
    target: str
    vintages: list[LoadedVintage] = field(default_factory=list)

    def summary(self) -> str:
        if not self.vintages:
            return "no forecast vintages found"
        lines = []
        for item in self.vintages:
            vintage = item.vintage
            lines.append(
                f"{item.status}: {vintage.kind} forecast {vintage.source!r} generated at "
                f"{vintage.generated_at:%Y-%m-%d %H:%M:%S} ({vintage.row_count} rows, {vintage.path.name})"
            )
        loaded = sum(1 for item in self.vintages if item.status == LOADED)
        lines.append(f"{loaded} vintage(s) loaded into {self.target}, {len(self.vintages) - loaded} already there")
        return "\n".join(lines)


def forecast_files(paths: Sequence[str | Path]) -> list[Path]:
    """The CSV files named, or found (recursively) in the folders named, in path order."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith((".csv", ".csv.gz")))
        elif path.is_file():
            found.append(path)
        else:
            raise ForecastFileError("no such file or folder", file=path, fix="Check the path.")
    if not found:
        raise ForecastFileError(
            f"no forecast files (*.csv, *.csv.gz) in {', '.join(map(str, paths))}",
            fix="Forecast files end in .csv or .csv.gz; folders are searched recursively.",
        )
    return found


def _check_unique_across_files(files: Sequence[ForecastFile]) -> None:
    seen: dict[tuple[str, str, datetime], Path] = {}
    for file in files:
        for vintage in file.vintages:
            key = (vintage.kind, vintage.source, vintage.generated_at)
            if key in seen:
                raise ForecastFileError(
                    f"the {vintage.kind} forecast {vintage.source!r} generated at {vintage.generated_at} is "
                    f"also in {seen[key]}",
                    file=file.path,
                    fix="A vintage is loaded from one file: merge the files or give one a new generated_at.",
                )
            seen[key] = file.path


def load_forecast_files(
    paths: Sequence[str | Path],
    settings: Settings | None = None,
    check_host_types: bool = True,
) -> ForecastLoadReport:
    """Check every file first, then write all new vintages in one transaction; nothing is written on error.

    A vintage already loaded with the same rows is left as it is; with different rows it is refused.
    """
    settings = settings or load_settings()
    if settings.target == "postgres":
        ensure_postgres_database(settings)
    hosts: set[str] | None = None
    if check_host_types:
        hosts = known_host_types(settings)
        if hosts is None:
            raise ForecastFileError(
                "no host types are known yet (marts.dim_host_type does not exist)",
                fix="Run `cloudcost build` after loading the CUR, or pass --no-host-type-check (the build's "
                "data tests check host types too).",
            )
    staging = duckdb.connect()
    staging.execute("set TimeZone = 'UTC'")
    try:
        files = [read_forecast_file(staging, path, index, hosts) for index, path in enumerate(forecast_files(paths))]
        _check_unique_across_files(files)
        report = ForecastLoadReport(target=settings.target)
        to_write: list[tuple[ForecastKind, str, str, datetime]] = []
        existing = {kind.name: loaded_vintages(settings, kind) for kind in KINDS}
        for file in files:
            for vintage in file.vintages:
                if (vintage.source, vintage.generated_at) in existing[file.kind.name]:
                    _check_same_rows(settings, staging, file, vintage)
                    report.vintages.append(LoadedVintage(vintage, ALREADY_LOADED))
                    continue
                to_write.append((file.kind, file.table, vintage.source, vintage.generated_at))
                report.vintages.append(LoadedVintage(vintage, LOADED))
        write_vintages(settings, staging, to_write, datetime.now(UTC).replace(tzinfo=None))
        return report
    finally:
        staging.close()


def _check_same_rows(
    settings: Settings, staging: duckdb.DuckDBPyConnection, file: ForecastFile, vintage: Vintage
) -> None:
    before = loaded_rows(settings, file.kind, vintage.source, vintage.generated_at)
    now = staged_rows(staging, file.table, file.kind, vintage.source, vintage.generated_at)
    if before != now:
        raise ForecastFileError(
            f"the {file.kind.name} forecast {vintage.source!r} generated at {vintage.generated_at} is already "
            f"loaded with different rows ({len(before)} loaded, {len(now)} in the file)",
            file=file.path,
            fix="A vintage is never changed in place (the forecast snapshot would ignore it): give the new "
            "forecast a new generated_at.",
        )
