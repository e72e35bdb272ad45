"""Page render times of the dashboard against one DuckDB warehouse, for `cloudcost bench --pages`.

It belongs to the app (the `cloudcost` package never imports the app): `cloudcost bench` runs it as
``python -m streamlit_app.bench WAREHOUSE.duckdb [REPEATS] [--json OUT]``.

Each page is run with Streamlit's AppTest (the script as a browser session would run it, without the
browser), in a process prepared as ``cloudcost dashboard`` prepares its server (``streamlit_app.serve``):
``cold`` is a new session on a server whose caches are empty (query cache, catalog and the open published
copy dropped first: every mart query runs), ``warm`` the same page again right after (what a user switching
pages within the cache TTL gets). Each is measured in wall seconds and in CPU seconds of the process (on a
shared machine the CPU seconds are the comparable figure). The marts are published first if the warehouse
has no published copy yet.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"


@dataclass
class PageTiming:
    page: str
    cold_seconds: float
    warm_seconds: float
    errors: list[str]
    empty_sections: int = 0  # "No … yet" / "No … for these filters" notices on the page
    cold_cpu_seconds: float = 0.0
    warm_cpu_seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "page": self.page,
            "cold_seconds": round(self.cold_seconds, 3),
            "warm_seconds": round(self.warm_seconds, 3),
            "cold_cpu_seconds": round(self.cold_cpu_seconds, 3),
            "warm_cpu_seconds": round(self.warm_cpu_seconds, 3),
            "errors": self.errors,
            "empty_sections": self.empty_sections,
        }


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _timed_run(at, page_path: str | None) -> tuple[float, float, list[str]]:  # type: ignore[no-untyped-def]
    """(wall seconds, CPU seconds of the process, errors) of one run of the page."""
    started, cpu = time.perf_counter(), time.process_time()
    (at.switch_page(page_path) if page_path else at).run()
    return time.perf_counter() - started, time.process_time() - cpu, [str(error.value) for error in at.exception]


def _empty_caches() -> None:
    """What a freshly started server has: no cached query, no catalog, no open published copy."""
    import streamlit as st

    from streamlit_app import data

    st.cache_data.clear()
    data.forget_connections()


def bench_pages(duckdb_path: Path, repeats: int = 3, only: tuple[str, ...] = ()) -> list[PageTiming]:
    """Median cold and warm render time of every page against the marts in ``duckdb_path``.

    One AppTest session per page: its first run (the default page, untimed) warms the process; then each
    repeat times the page with the caches emptied (cold) and once more right after (warm). ``only`` names
    the pages to time (their url paths; all when empty)."""
    from streamlit.testing.v1 import AppTest

    from cloudcost.publish import publish, published_path
    from cloudcost.settings import load_settings
    from streamlit_app.pages_index import PAGES
    from streamlit_app.serve import preload
    from streamlit_app.ui import empty_states

    values = {"CLOUDCOST_TARGET": "duckdb", "CLOUDCOST_DUCKDB_PATH": str(Path(duckdb_path).resolve())}
    timings: list[PageTiming] = []
    with _environment(values):
        os.environ.pop("CLOUDCOST_DASHBOARD_DB", None)
        settings = load_settings("duckdb")
        if not published_path(settings).exists():
            publish(settings)
        preload()
        for page in (page for page in PAGES if page.url_path in only or not only):
            at = AppTest.from_file(str(APP), default_timeout=120)
            at.run()
            runs: dict[str, list[float]] = {"cold": [], "warm": [], "cold_cpu": [], "warm_cpu": []}
            errors: list[str] = []
            for repeat in range(repeats):
                _empty_caches()
                seconds, cpu, found = _timed_run(at, page.path if repeat == 0 else None)
                runs["cold"].append(seconds)
                runs["cold_cpu"].append(cpu)
                errors += found
                seconds, cpu, found = _timed_run(at, None)
                runs["warm"].append(seconds)
                runs["warm_cpu"].append(cpu)
                errors += found
            median = {name: statistics.median(values) for name, values in runs.items()}
            timings.append(
                PageTiming(
                    page.title,
                    median["cold"],
                    median["warm"],
                    sorted(set(errors)),
                    sum(1 for notice in at.info if empty_states(str(notice.value))),
                    median["cold_cpu"],
                    median["warm_cpu"],
                )
            )
    return timings


def format_table(timings: list[PageTiming]) -> str:
    lines = [f"{'page':<26}{'cold s':>9}{'cold CPU s':>12}{'warm s':>9}{'warm CPU s':>12}{'empty sections':>16}"]
    for timing in timings:
        flag = "  ERROR: " + "; ".join(timing.errors) if timing.errors else ""
        lines.append(
            f"{timing.page:<26}{timing.cold_seconds:>9.3f}{timing.cold_cpu_seconds:>12.3f}"
            f"{timing.warm_seconds:>9.3f}{timing.warm_cpu_seconds:>12.3f}{timing.empty_sections:>16}{flag}"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    """`python -m streamlit_app.bench WAREHOUSE.duckdb [REPEATS] [--json OUT]`: print the table (and write
    every page's timing as JSON to OUT)."""
    json_out = None
    if "--json" in argv:
        at = argv.index("--json")
        json_out = Path(argv[at + 1])
        argv = argv[:at] + argv[at + 2 :]
    if not argv:
        raise SystemExit("usage: python -m streamlit_app.bench WAREHOUSE.duckdb [REPEATS] [--json OUT]")
    repeats = int(argv[1]) if len(argv) > 1 else 3
    timings = bench_pages(Path(argv[0]), repeats)
    if json_out is not None:
        json_out.write_text(json.dumps([timing.as_dict() for timing in timings], indent=2))
    print(format_table(timings))


if __name__ == "__main__":
    main(sys.argv[1:])
