"""cloudcost dashboard for Finance and Engineering: `cloudcost dashboard` serves it (streamlit run).

Reads only the public marts (see streamlit_app/data.py); one page per question, filters kept across pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit_app import ui  # noqa: E402
from streamlit_app.pages_index import PAGES  # noqa: E402

st.set_page_config(page_title="cloudcost", page_icon=":material/savings:", layout="wide")

navigation = st.navigation(
    [
        st.Page(page.path, title=page.title, icon=page.icon, url_path=page.url_path, default=page.default)
        for page in PAGES
    ]
)
st.sidebar.title("cloudcost")
ui.freshness()
navigation.run()
