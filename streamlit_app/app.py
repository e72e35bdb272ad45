"""cloudcost dashboard for Finance and Engineering: `cloudcost dashboard` serves it (streamlit run).

Reads only the public marts (see streamlit_app/data.py); one page per question, filters kept across pages
and carried in the URL (a link opens the page with the same filters).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit_app import filters, ui  # noqa: E402
from streamlit_app.pages_index import PAGES, default_page  # noqa: E402

st.set_page_config(page_title="cloudcost", page_icon=":material/savings:", layout="wide")


def navigation() -> tuple[StreamlitPage, dict[str, StreamlitPage]]:
    """Every page at its own URL path, and the default page also at ``/``.

    Streamlit serves its default page at the root and ignores that page's ``url_path``, so the default page
    is registered twice: once as the root and once under its own path, which keeps its deep link working.
    The menu is drawn by :func:`menu` (one entry per page)."""
    home = default_page()
    by_url = {
        page.url_path: st.Page(page.path, title=page.title, icon=page.icon, url_path=page.url_path) for page in PAGES
    }
    root = st.Page(home.path, title=home.title, icon=home.icon, url_path="", default=True)
    return st.navigation([root, *by_url.values()], position="hidden"), {"": root, **by_url}


def menu(pages: dict[str, StreamlitPage]) -> None:
    home = default_page()
    for page in PAGES:
        target = pages[""] if page.url_path == home.url_path else pages[page.url_path]
        st.sidebar.page_link(target, label=page.title, icon=page.icon)


current, registered = navigation()
filters.set_page(current.url_path)
filters.load_url()
st.sidebar.title("cloudcost")
menu(registered)
ui.freshness()
with filters.url_sync():
    current.run()
