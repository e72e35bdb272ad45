"""`cloudcost docs`: the dbt docs site as one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path

import click

from cloudcost import docs_glossary
from cloudcost.commands.options import settings_for, target_option
from cloudcost.dbt_runner import dbt_target_path, run_dbt

# dbt docs' search lists, under every result, a snippet of the node's code: its source, Jinja and all
# (``{{ config(...) }}``, ``{#- comments -#}``; most of this project's models start so). The site shows the
# compiled SQL there instead (the source stays on each model's page). The template is part of dbt's docs
# site, inside a JavaScript string, hence the escaped quotes.
SEARCH_CODE_SNIPPET = "highlight(shorten(result.model[\\'raw_code\\']))"
RENDERED_CODE_SNIPPET = "highlight(shorten(result.model[\\'compiled_code\\'] || result.model[\\'raw_code\\']))"


def rendered_search_snippets(html: str) -> str:
    """The docs site with search results showing compiled code, not Jinja source; an error when dbt's
    template has changed (so the fix cannot silently stop applying)."""
    if html.count(SEARCH_CODE_SNIPPET) != 1:
        raise click.ClickException("dbt docs' search template has changed: cannot show compiled code in results")
    return html.replace(SEARCH_CODE_SNIPPET, RENDERED_CODE_SNIPPET)


def generate_static_docs(target: str | None, out: Path) -> Path:
    settings = settings_for(target)
    docs_glossary.write()  # the glossary page lists every docs block of docs/*.md
    outcome = run_dbt(["docs", "generate", "--static"], settings)
    if not outcome.success:
        raise click.ClickException(f"dbt docs generate failed: {outcome.exception or 'see the log above'}")
    produced = dbt_target_path(settings) / "static_index.html"
    if not produced.exists():
        raise click.ClickException(f"dbt did not write {produced}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(rendered_search_snippets(produced.read_text(encoding="utf-8")), encoding="utf-8")
    return out


@click.command()
@target_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("target/docs/index.html"),
    show_default=True,
    help="Where to write the single-file site.",
)
def docs(target: str | None, out: Path) -> None:
    """Generate the dbt docs (overview, glossary page, lineage) as one static HTML file that opens offline.

    Run `cloudcost build` first so the catalog has column types.
    """
    written = generate_static_docs(target, out.resolve())
    click.echo(f"docs written to {written} (open it in a browser; it needs no server)")
