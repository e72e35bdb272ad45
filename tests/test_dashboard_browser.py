"""Every dashboard page in a real browser, after `cloudcost demo`, on DuckDB and on Postgres (read-only role):
`streamlit run` headless, each page opened in headless Chromium, rendered with data and without errors. On
the marts a Spark demo published too, when $CLOUDCOST_DASHBOARD_SPARK_WAREHOUSE names its warehouse.

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
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_warehouse import Warehouse, shared_warehouse

from cloudcost.commands.dashboard import streamlit_command
from cloudcost.settings import PROJECT_ROOT
from streamlit_app.pages_index import PAGES, default_page
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


SPARK_DEMO_ENV = "CLOUDCOST_DASHBOARD_SPARK_WAREHOUSE"


def spark_demo_env() -> dict[str, str]:
    """The dashboard's environment on the Spark warehouse `cloudcost demo --target spark` built (named by
    $CLOUDCOST_DASHBOARD_SPARK_WAREHOUSE: that demo takes too long to run here). The dashboard reads the marts
    that build published; it starts no Spark session."""
    folder = os.environ.get(SPARK_DEMO_ENV)
    if not folder:
        pytest.skip(f"set {SPARK_DEMO_ENV} to a Spark warehouse `cloudcost demo --target spark` built")
    published = Path(folder) / "published" / "cloudcost.duckdb"
    assert published.is_file(), f"{folder}: no published marts ({published}); did its demo finish?"
    # the file the dashboard finds from the warehouse folder (named, so a variable of the caller cannot win)
    return {"CLOUDCOST_TARGET": "spark", "CLOUDCOST_SPARK_WAREHOUSE": folder, "CLOUDCOST_DASHBOARD_DB": str(published)}


@pytest.fixture(
    scope="module",
    params=[
        "duckdb",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("spark", marks=pytest.mark.spark),
    ],
)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    """The demo's warehouse on each engine, as the dashboard's environment (Postgres: the read-only role)."""
    if request.param == "postgres":
        return "postgres", request.getfixturevalue("postgres_demo")
    if request.param == "spark":
        return "spark", spark_demo_env()
    warehouse: Warehouse = shared_warehouse(tmp_path_factory.mktemp("dashboard"))
    return "duckdb", warehouse.env()


@pytest.fixture(scope="module")
def served(backend: tuple[str, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    # what `cloudcost dashboard` runs (the app's launcher), without the file watcher
    command = [*streamlit_command(port, True, "127.0.0.1"), "--server.fileWatcherType", "none"]
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


def wait_rendered(page, info) -> None:  # noqa: ANN001
    """The page's title is drawn and the script has finished (no running indicator for a while)."""
    page.wait_for_selector(f'h1:has-text("{info.title}")', timeout=60_000)
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
    if info.marts and page.locator('[data-testid="stMain"]').inner_text().count("not built or not published") == 0:
        page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
                 .every(chart => chart.querySelector('svg, canvas'))""",
        timeout=60_000,
    )


def check_page(page, info, width: int = 1400) -> None:  # noqa: ANN001
    """No error element, no "Page not found", no Deploy button or menu, nothing wider than the main area."""
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    assert page.get_by_text("Page not found").count() == 0, f"{info.title}: 'Page not found'"
    assert page.locator('[data-testid="stSidebar"]').count() == 1
    assert page.locator('[data-testid="stAppDeployButton"]').count() == 0, "the Deploy button is shown"
    assert page.locator('[data-testid="stMainMenu"]').count() == 0, "Streamlit's menu is shown"
    overflow = page.evaluate(
        """() => { const main = document.querySelector('[data-testid="stMain"]');
                   return main.scrollWidth - main.clientWidth; }"""
    )
    assert overflow <= 0, f"{info.title}: the main area scrolls sideways at {width} px ({overflow} px wider)"


def shows_data(page, info) -> None:  # noqa: ANN001
    body = page.locator('[data-testid="stMain"]').inner_text()
    # after `cloudcost demo` every page has data: no empty state ("No … yet", "No … for these filters")
    assert not empty_states(body), f"{info.title}: {empty_states(body)}"
    if info.marts:
        assert page.locator('[data-testid="stDataFrame"]').count() >= 1, f"{info.title}: no table drawn"


def open_at(browser, served: str, path: str, info, width: int = 1400):  # noqa: ANN001, ANN201
    page = browser.new_page(viewport={"width": width, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{served}/{path}", wait_until="domcontentloaded")
    wait_rendered(page, info)
    assert not errors, errors
    return page


@pytest.mark.parametrize("info", PAGES, ids=[page.url_path for page in PAGES])
def test_page_renders_with_data_in_headless_chromium(backend, served: str, browser, info) -> None:  # noqa: ANN001
    """Every page at its own URL (a deep link, the default page's too) at 1400 px."""
    page = open_at(browser, served, info.url_path, info)
    try:
        check_page(page, info)
        shows_data(page, info)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        suffix = "" if backend[0] == "duckdb" else f"-{backend[0]}"
        shot = SCREENSHOTS / f"dashboard-{info.url_path}{suffix}.png"
        # the app scrolls inside its main block: grow the window to the page's height for a whole picture
        height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": 1400, "height": min(max(int(height), 1000), 4000)})
        wait_rendered(page, info)
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        if os.environ.get("CLOUDCOST_UPDATE_SCREENSHOTS") == "1" and backend[0] == "duckdb":
            DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, DOCS_IMAGES / shot.name)
    finally:
        page.close()


def test_the_root_serves_the_default_page(backend, served: str, browser) -> None:  # noqa: ANN001
    home = default_page()
    page = open_at(browser, served, "", home)
    try:
        check_page(page, home)
        shows_data(page, home)
    finally:
        page.close()


# (url path, query string, text the page then shows, query parameter that stays in the address)
DEEP_LINKS = (
    ("commitments", "coverage_measure=sp_coverage", "SP coverage (cost)", "coverage_measure=sp_coverage"),
    ("unit-cost", "unit_cost_grain=day", "Day", "unit_cost_grain=day"),
    ("reconciliation", "status=matched", "Status: Matched", "status=matched"),
    ("forecast-accuracy", "forecast_source=baseline", "Forecast source: Baseline", "forecast_source=baseline"),
    ("glossary", "term=ri_coverage&q=coverage", "RI coverage", "q=coverage"),
)


@pytest.mark.parametrize("link", DEEP_LINKS, ids=[link[0] for link in DEEP_LINKS])
def test_a_link_with_filters_opens_the_page_with_those_filters(backend, served: str, browser, link) -> None:  # noqa: ANN001
    url_path, query, shown, kept = link
    info = next(page for page in PAGES if page.url_path == url_path)
    page = open_at(browser, served, f"{url_path}?{query}", info)
    try:
        check_page(page, info)
        assert page.get_by_text(shown).count() >= 1, f"{url_path}?{query}: {shown!r} is not shown"
        assert kept in page.url, f"the address lost {kept!r}: {page.url}"
        page.reload(wait_until="domcontentloaded")  # a reload keeps them
        wait_rendered(page, info)
        assert page.get_by_text(shown).count() >= 1, f"{url_path}?{query}: {shown!r} is lost on reload"
    finally:
        page.close()
