"""The seed of line item types the models classify agrees with the loader's list of known types."""

from __future__ import annotations

import csv
from pathlib import Path

from cloudcost.schema import KNOWN_LINE_ITEM_TYPES

SEED = Path(__file__).resolve().parent.parent / "seeds" / "cur_line_item_types.csv"


def test_seed_lists_exactly_the_known_line_item_types() -> None:
    with SEED.open(newline="") as handle:
        seeded = [row["line_item_type"] for row in csv.DictReader(handle)]
    assert len(seeded) == len(set(seeded)), f"duplicate line item types in {SEED.name}"
    missing = sorted(KNOWN_LINE_ITEM_TYPES - set(seeded))
    extra = sorted(set(seeded) - KNOWN_LINE_ITEM_TYPES)
    assert not missing, f"{SEED.name} lacks line item types the loader accepts: {missing}"
    assert not extra, f"{SEED.name} lists line item types the loader rejects: {extra}"
