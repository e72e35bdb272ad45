"""Every dashboard page in a real browser, after `cloudcost demo`, on DuckDB and on Postgres (read-only role):
`streamlit run` headless, each page opened in headless Chromium, rendered with data and without errors.

Needs Debian's `chromium` (or $CLOUDCOST_CHROMIUM) and the `playwright` package (its own browser downloads
are never used). Skips when either is missing, except with CLOUDCOST_REQUIRE_BROWSER=1 (CI), where that fails.
Screenshots go to test-output/screenshots/; with CLOUDCOST_UPDATE_SCREENSHOTS=1 they are also copied to
docs/images/ for the README.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_warehouse import APP, Warehouse, shared_warehouse

from cloudcost.settings import PROJECT_ROOT
from streamlit_app.pages_index import PAGES
from streamlit_app.ui import empty_states

SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"
DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]


def chromium_path() -> str | None:
    configured = os.environ.get("CLOUDCOST_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_browser() -> str:
    required = os.environ.get("CLOUDCOST_REQUIRE_BROWSER") == "1"
    problems = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the playwright package is not installed")
    executable = chromium_path()
    if executable is None:
        problems.append("no chromium executable (apt-get install chromium, or set CLOUDCOST_CHROMIUM)")
    if problems:
        message = "; ".join(problems)
        if required:
            pytest.fail(f"CLOUDCOST_REQUIRE_BROWSER=1 but {message}")
        pytest.skip(message)
    return str(executable)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout:.0f} s")


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    """The demo's warehouse on each engine, as the dashboard's environment (Postgres: the read-only role)."""
    if request.param == "postgres":
        return "postgres", request.getfixturevalue("postgres_demo")
    warehouse: Warehouse = shared_warehouse(tmp_path_factory.mktemp("dashboard"))
    return "duckdb", warehouse.env()


@pytest.fixture(scope="module")
def served(backend: tuple[str, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env={**os.environ, **backend[1]}, stdout=sink, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser(served: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=require_browser(), args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


def wait_rendered(page, title: str) -> None:  # noqa: ANN001
    """The page's title is drawn and the script has finished (no running indicator for a while)."""
    page.wait_for_selector(f'h1:has-text("{title}")', timeout=60_000)
    quiet_since = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1.5:
            break
        time.sleep(0.25)
    page.wait_for_load_state("networkidle")
    # tables and charts are drawn lazily, after their code has loaded
    if page.locator('[data-testid="stMain"]').inner_text().count("not built or not published") == 0:
        page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
                 .every(chart => chart.querySelector('svg, canvas'))""",
        timeout=60_000,
    )


@pytest.mark.parametrize("info", PAGES, ids=[page.url_path for page in PAGES])
def test_page_renders_with_data_in_headless_chromium(backend, served: str, browser, info) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{served}/{'' if info.default else info.url_path}", wait_until="domcontentloaded")
        wait_rendered(page, info.title)
        exceptions = page.locator('[data-testid="stException"]')
        assert exceptions.count() == 0, exceptions.first.inner_text()
        assert page.locator('[data-testid="stSidebar"]').count() == 1
        assert not errors, errors
        body = page.locator('[data-testid="stMain"]').inner_text()
        # after `cloudcost demo` every page has data: no empty state ("No … yet", "No … for these filters")
        assert not empty_states(body), f"{info.title}: {empty_states(body)}"
        assert page.locator('[data-testid="stDataFrame"]').count() >= 1, f"{info.title}: no table drawn"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        suffix = "" if backend[0] == "duckdb" else f"-{backend[0]}"
        shot = SCREENSHOTS / f"dashboard-{info.url_path}{suffix}.png"
        # the app scrolls inside its main block: grow the window to the page's height for a whole picture
        height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": 1440, "height": min(max(int(height), 1000), 4000)})
        wait_rendered(page, info.title)
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        if os.environ.get("CLOUDCOST_UPDATE_SCREENSHOTS") == "1" and backend[0] == "duckdb":
            DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, DOCS_IMAGES / shot.name)
    finally:
        page.close()
