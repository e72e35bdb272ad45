"""`cloudcost dashboard`: serve the Streamlit app over the public marts."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import click

from cloudcost.commands.options import settings_for, target_option
from cloudcost.settings import PROJECT_ROOT


def app_path() -> Path:
    """The Streamlit app: the checkout's, else the installed streamlit_app package's (found, not imported:
    the app imports cloudcost, never the other way round)."""
    checkout = PROJECT_ROOT / "streamlit_app" / "app.py"
    if checkout.exists():
        return checkout
    spec = importlib.util.find_spec("streamlit_app")
    if spec is None or spec.origin is None:
        return checkout
    return Path(spec.origin).parent / "app.py"


APP = app_path()


def streamlit_command(port: int, headless: bool, address: str) -> list[str]:
    """`streamlit run` for the app: listening on ``address`` only, no developer toolbar (no Deploy button).

    It is started through the app's launcher (``streamlit_app.serve``, run as a module: the package never
    imports the app), which loads the app's libraries before the first session; "magic" (showing a page's bare
    expressions) is off, so a page's script is compiled without it the first time it runs."""
    return [
        sys.executable,
        "-m",
        "streamlit_app.serve",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true" if headless else "false",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
        "--runner.magicEnabled",
        "false",
    ]


def serve(target: str | None, port: int, headless: bool, address: str = "127.0.0.1") -> int:
    settings = settings_for(target)
    if not APP.exists():
        raise click.ClickException(f"the dashboard app is missing: {APP}")
    env = dict(os.environ)
    env["CLOUDCOST_TARGET"] = settings.target
    env["CLOUDCOST_DUCKDB_PATH"] = str(settings.duckdb_path)
    host = "localhost" if address in ("127.0.0.1", "localhost") else address
    click.echo(f"serving the dashboard on http://{host}:{port} (Ctrl+C to stop)")
    return subprocess.call(streamlit_command(port, headless, address), env=env, cwd=PROJECT_ROOT)


@click.command()
@target_option
@click.option("--port", default=8501, show_default=True, help="Port to serve on.")
@click.option(
    "--address",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on; 0.0.0.0 serves every interface (only behind your own access control).",
)
@click.option("--headless/--open-browser", default=True, show_default=True, help="Open a browser tab or not.")
def dashboard(target: str | None, port: int, address: str, headless: bool) -> None:
    """Serve the Finance dashboard (reads the public marts through a read-only connection)."""
    sys.exit(serve(target, port, headless, address))
