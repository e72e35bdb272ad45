"""``python -m cloudcost.loader PATH...`` runs the load command on its own."""

from cloudcost.loader.command import load

load()
