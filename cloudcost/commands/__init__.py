"""CLI commands that orchestrate the pipeline (build, demo, docs, bench, dashboard)."""
