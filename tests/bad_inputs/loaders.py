"""How each kind of input is loaded: in-process (the loader's API) and from the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cloudcost.settings import Settings


def _load_cur(paths: Sequence[Path], settings: Settings) -> None:
    from cloudcost.loader.api import load_paths

    load_paths(list(paths), settings, progress=False)


def _load_finance(paths: Sequence[Path], settings: Settings) -> None:
    from cloudcost.finance import load_finance_paths

    load_finance_paths(list(paths), settings)


def _load_forecasts(paths: Sequence[Path], settings: Settings) -> None:
    from cloudcost.forecasts.loading import load_forecast_files

    load_forecast_files(list(paths), settings, check_host_types=True)


def _load_company(paths: Sequence[Path], settings: Settings) -> None:
    """What `cloudcost --company DIR build` does first, before dbt runs: validate the folder."""
    from cloudcost.company import read_company_folder

    read_company_folder(paths[0])


IN_PROCESS = {"cur": _load_cur, "finance": _load_finance, "forecasts": _load_forecasts, "company": _load_company}

# `cloudcost <command...> PATHS`; the warehouse comes from CLOUDCOST_TARGET / CLOUDCOST_DUCKDB_PATH / PG*.
COMMANDS: dict[str, tuple[str, ...]] = {
    "cur": ("load", "--quiet"),
    "finance": ("load-finance",),
    "forecasts": ("load-forecasts",),
}


class NoLoader(LookupError):
    """The harness does not know how to load this kind yet."""


def load(kind: str, paths: Sequence[Path], settings: Settings) -> None:
    """Load the paths with the kind's loader, in this process."""
    loader = IN_PROCESS.get(kind)
    if loader is None:
        raise NoLoader(f"no in-process loader for {kind!r} inputs: add it to tests/bad_inputs/loaders.py")
    loader(paths, settings)
