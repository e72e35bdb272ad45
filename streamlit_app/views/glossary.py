"""Every shared term on one page: the same docs blocks as the column descriptions and the hovers."""

from __future__ import annotations

import streamlit as st

from cloudcost.docs_glossary import SECTIONS, terms
from streamlit_app import filters, glossary


def render() -> None:
    st.title("Glossary")
    st.caption(
        "The definitions the marts, the docs site (`cloudcost docs`, page *glossary*) and every hover of this "
        "dashboard share. A hover's *Glossary* link opens its term here."
    )
    blocks = glossary.load_blocks()
    sections = terms()
    chosen = st.session_state.get("keep_term")
    if "glossary_search" not in st.session_state:  # a link's ?q= seeds the search once
        st.session_state["glossary_search"] = str(st.session_state.get("keep_q") or "")
    query = st.text_input("Search the terms", key="glossary_search", placeholder="e.g. RI coverage")
    filters.to_url("q", query or None)
    if chosen and blocks.get(chosen):
        filters.to_url("term", chosen)
        st.info(blocks[chosen], icon=":material/menu_book:")
    needle = query.strip().lower()
    shown = 0
    for stem, named in sections.items():
        matching = [
            (name, heading)
            for name, heading in named
            if blocks.get(name) and (not needle or needle in heading.lower() or needle in blocks[name].lower())
        ]
        if not matching:
            continue
        st.header(SECTIONS.get(stem, stem.replace("_", " ").capitalize()))
        for name, heading in matching:
            st.markdown(f"#### {heading}")
            st.markdown(blocks[name])
            shown += 1
    if not shown:
        st.info(f"No term matches “{query}”.", icon=":material/search_off:")


render()
