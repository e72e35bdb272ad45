"""Open cost anomalies of the latest build (fct_cost_anomalies) for people, schedulers and webhooks."""
