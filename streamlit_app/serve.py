"""Start the dashboard's Streamlit server with the app's libraries already loaded.

`cloudcost dashboard` runs ``python -m streamlit_app.serve run APP [streamlit options]``: the same as
``streamlit run`` except that pandas, Altair (with its Vega-Lite schema), DuckDB and the app's own modules are
imported first, in the server process that runs every session. Otherwise the first page anyone opens after a
restart pays about a second of imports on top of its queries.
"""

from __future__ import annotations

import sys


def preload() -> None:
    """Import what every page needs and validate one small chart (Altair reads its schema once)."""
    import altair as alt
    import duckdb  # noqa: F401 (imported to load it)
    import pandas as pd

    from streamlit_app import charts, data, filters, formats, glossary, months, ui  # noqa: F401 (imported to load them)

    alt.Chart(pd.DataFrame({"x": [0.0], "y": [0.0]})).mark_line().encode(x="x:Q", y="y:Q").to_dict()
    formats.label("")  # reads labels.csv
    glossary.load_blocks()  # the docs blocks behind every hover (dbt's manifest is a few MB of JSON)


def main(argv: list[str]) -> None:
    from streamlit.web import cli

    preload()
    sys.argv = ["streamlit", *argv]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
