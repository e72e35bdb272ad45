"""Read and check the cost layer reference tables (seeds/cost_layers.csv, seeds/cost_layer_rules.csv)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cloudcost.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "seeds"
LAYERS_CSV = "cost_layers.csv"
RULES_CSV = "cost_layer_rules.csv"
# rule targets that are not layers: the net-mode discount of a line and the cash bridge's roles
NET_DISCOUNT = "net_discount"
CASH_BRIDGE_ROLES = ("trueup", "upfront")
# the layer group whose layers share a line's net-mode discount (by the discount map)
DISCOUNT_GROUP = "discount"
FLAG = re.compile(r"^(not )?([a-z][a-z0-9_]*)$")


@dataclass(frozen=True)
class CostLayer:
    name: str
    order: int
    group: str
    is_shared: bool
    label: str
    description: str

    @property
    def docs_block(self) -> str:
        return f"layer_{self.name}"


@dataclass(frozen=True)
class LayerRule:
    line_item_type: str
    conditions: tuple[tuple[str, bool], ...]  # (flag column, the value it must have)
    target: str
    amount: str


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def read_layers(seeds: Path = SEEDS) -> tuple[CostLayer, ...]:
    """The layers in report order."""
    layers = [
        CostLayer(
            name=row["layer"],
            order=int(row["layer_order"]),
            group=row["layer_group"],
            is_shared=row["is_shared"].strip().lower() == "true",
            label=row["label"],
            description=row["description"],
        )
        for row in _rows(seeds / LAYERS_CSV)
    ]
    return tuple(sorted(layers, key=lambda layer: layer.order))


def parse_condition(text: str) -> tuple[tuple[str, bool], ...]:
    """``not is_split_cost_child and is_spot_usage`` -> (("is_split_cost_child", False), ("is_spot_usage", True))."""
    if not text.strip():
        return ()
    found = []
    for part in text.split(" and "):
        match = FLAG.match(part.strip())
        if not match:
            raise ValueError(f"{RULES_CSV}: condition {text!r}: {part.strip()!r} is not a flag or `not` flag")
        found.append((match.group(2), match.group(1) is None))
    return tuple(found)


@cache
def read_rules(seeds: Path = SEEDS) -> tuple[LayerRule, ...]:
    """The rules in file order (per target, the first rule a line matches wins), checked against the layers."""
    rules = tuple(
        LayerRule(row["line_item_type"], parse_condition(row["condition"]), row["target"], row["amount"])
        for row in _rows(seeds / RULES_CSV)
    )
    targets = {layer.name for layer in read_layers(seeds)} | {NET_DISCOUNT, *CASH_BRIDGE_ROLES}
    unknown = sorted({rule.target for rule in rules} - targets)
    if unknown:
        raise ValueError(
            f"{RULES_CSV}: unknown targets {unknown} (a layer of {LAYERS_CSV}, {NET_DISCOUNT}, "
            f"or a cash bridge role {CASH_BRIDGE_ROLES})"
        )
    unfed = [layer.name for layer in read_layers(seeds) if layer.name not in {rule.target for rule in rules}]
    if unfed:
        raise ValueError(f"{RULES_CSV}: no rule feeds the layers {unfed}")
    return rules
