"""`cloudcost mappings`: what the company folder's rules allocate (check)."""
