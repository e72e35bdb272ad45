"""The cost layers as data: seeds/cost_layers.csv (the layers) and seeds/cost_layer_rules.csv (which lines feed
them). Everything else that lists the layers is generated from these two files (``python -m cloudcost.layers``)
or reads them (the dashboard's labels); a test fails when a generated file is stale.
"""

from cloudcost.layers.reference import CostLayer, LayerRule, read_layers, read_rules

__all__ = ["CostLayer", "LayerRule", "read_layers", "read_rules"]
