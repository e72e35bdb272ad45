"""Forecasts: loading submitted forecast files, and replaying generated history into forecast vintages."""
