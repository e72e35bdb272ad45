"""The generator's data files (``cloudcost/generator/data/*.yml``): prices, the company and its resources.

The files hold what the company is (accounts, fleets, buckets, prices); the modules that read them hold
how a CUR is written from it. Files are read once and shared: callers must not change what they get.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed data file ``data/<name>.yml`` shipped inside the package."""
    text = resources.files(__package__).joinpath("data", f"{name}.yml").read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    if not isinstance(document, dict):
        raise ValueError(f"generator data file {name}.yml does not hold a mapping")
    return document
