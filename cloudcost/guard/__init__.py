"""`cloudcost guard`: public model contracts and effective-dated mapping history must not change silently."""
