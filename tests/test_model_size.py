"""docs/architecture.md's rule for long models: a model over ~200 lines is split where the DAG's depth allows,
otherwise its header says why (a paragraph starting "Longer than ~200 lines")."""

from __future__ import annotations

from pathlib import Path

from cloudcost.settings import PROJECT_ROOT

MAX_LINES = 200
REASON = "Longer than ~200 lines"


def long_models_without_a_reason(models: Path) -> list[str]:
    """Models (relative paths with their line count) over MAX_LINES whose header gives no reason."""
    found = []
    for path in sorted(models.rglob("*.sql")):
        text = path.read_text()
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        header = text.split("-#}", 1)[0] if text.lstrip().startswith("{#") else ""
        if lines > MAX_LINES and REASON not in " ".join(header.split()):
            found.append(f"{path.relative_to(models)} ({lines} lines)")
    return found


def test_every_long_model_says_why() -> None:
    assert long_models_without_a_reason(PROJECT_ROOT / "models") == []


def test_a_long_model_without_a_reason_is_found(tmp_path: Path) -> None:
    body = "select 1 as one\n" * (MAX_LINES + 1)
    (tmp_path / "long.sql").write_text("{#- A model. -#}\n" + body)
    (tmp_path / "explained.sql").write_text(f"{{#- A model.\n    {REASON} on purpose: one match. -#}}\n" + body)
    (tmp_path / "short.sql").write_text("select 1 as one\n")
    assert long_models_without_a_reason(tmp_path) == [f"long.sql ({MAX_LINES + 2} lines)"]
