"""`cloudcost diff`: what a change does to the public marts' numbers, between a git ref and the work tree."""
