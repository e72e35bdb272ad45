"""The cost layers are data: every list of them is generated from, or read from, the reference tables
(seeds/cost_layers.csv, seeds/cost_layer_rules.csv). No warehouse: these checks read files only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cloudcost.layers import read_layers, read_rules
from cloudcost.layers.generate import SECTION, SECTION_FILES, TEMPLATES, render_sections, stale_files
from cloudcost.layers.reference import LAYERS_CSV, RULES_CSV
from cloudcost.settings import PROJECT_ROOT

# the marked sections each generated file must keep (a deleted marker would hide a hand-written list)
SECTIONS = {
    "models/marts/cost/_cost__models.yml": 7,
    "models/marts/semantic/_semantic__models.yml": 2,
    "docs/overview.md": 1,
}


def _line_item_types() -> set[str]:
    seed = (PROJECT_ROOT / "seeds" / "cur_line_item_types.csv").read_text().splitlines()[1:]
    return {line.split(",")[0] for line in seed}


def test_generated_files_are_current() -> None:
    stale = stale_files()
    assert not stale, f"stale cost layer files {[str(p) for p in stale]}: run `python -m cloudcost.layers`"


def test_every_generated_file_keeps_its_sections() -> None:
    assert {str(path) for path in SECTION_FILES} == set(SECTIONS)
    for path, count in SECTIONS.items():
        found = [match["template"] for match in SECTION.finditer((PROJECT_ROOT / path).read_text())]
        assert len(found) == count, f"{path}: {found}"
        assert set(found) <= set(TEMPLATES)


def test_a_section_is_rewritten_from_the_reference() -> None:
    document = "values:\n  # cost-layers:begin names\n  - stale\n  # cost-layers:end\nrest\n"
    names = "".join(f"  - {layer.name}\n" for layer in read_layers())
    assert (
        render_sections(document, read_layers())
        == f"values:\n  # cost-layers:begin names\n{names}  # cost-layers:end\nrest\n"
    )


def test_every_layer_has_a_docs_block_and_a_rule() -> None:
    blocks = set(
        re.findall(r"{%\s*docs\s+(\w+)\s*%}", "".join(p.read_text() for p in (PROJECT_ROOT / "docs").glob("*.md")))
    )
    layers = read_layers()
    assert [layer.order for layer in layers] == list(range(1, len(layers) + 1))
    assert not [layer.docs_block for layer in layers if layer.docs_block not in blocks]
    assert {layer.name for layer in layers} <= {rule.target for rule in read_rules()}


def test_every_rule_names_a_known_amount_and_line_item_type() -> None:
    macro = (PROJECT_ROOT / "macros" / "cost_layers.sql").read_text()
    body = macro[macro.index("macro cost_rule_amount") : macro.index("endmacro", macro.index("macro cost_rule_amount"))]
    amounts = set(re.findall(r"'(\w+)':", body))
    types = {
        line.split(",")[0] for line in (PROJECT_ROOT / "seeds" / "cur_line_item_types.csv").read_text().splitlines()[1:]
    }
    rules = read_rules()
    assert not {rule.amount for rule in rules} - amounts
    assert not {rule.line_item_type for rule in rules} - types


def test_every_line_item_type_is_classified_by_a_rule() -> None:
    """A type no rule names gives no layer any money: only the negation of SP-covered usage may (its on-demand
    charge never reaches a layer; the covered usage's sp_discount carries the saving)."""
    unruled = _line_item_types() - {rule.line_item_type for rule in read_rules()}
    assert unruled == {"SavingsPlanNegation"}


def _reference(tmp_path: Path, rules: str) -> Path:
    (tmp_path / LAYERS_CSV).write_text(
        "layer,layer_order,layer_group,is_shared,label,description\n"
        "on_demand,1,list,false,Public on-demand,List\ncredit,2,credit,true,Credits,Credits\n"
    )
    (tmp_path / RULES_CSV).write_text("line_item_type,condition,target,amount\n" + rules)
    return tmp_path


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("Usage,,on_demand,list_cost\nCredit,,credits,unblended_cost\n", "unknown targets"),
        ("Usage,,on_demand,list_cost\n", "no rule feeds the layers ['credit']"),
        ("Usage,is_spot_usage or x,on_demand,list_cost\nCredit,,credit,unblended_cost\n", "is not a flag"),
    ],
)
def test_a_wrong_rule_table_is_refused(tmp_path: Path, rules: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        read_rules(_reference(tmp_path, rules))


def test_conditions_are_flags_joined_by_and() -> None:
    spot = next(rule for rule in read_rules() if rule.target == "spot_discount")
    assert spot.conditions == (
        ("is_split_cost_child", False),
        ("is_spot_usage", True),
        ("uses_unblended_fallback", False),
    )
