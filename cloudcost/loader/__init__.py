"""Load AWS CUR files (every flavour) into the one raw shape of ``cloudcost.schema``."""

from cloudcost.loader.api import load_paths
from cloudcost.loader.deliveries import PlannedDelivery
from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.report import LoadReport

__all__ = ["CurLoadError", "LoadReport", "PlannedDelivery", "load_paths"]
