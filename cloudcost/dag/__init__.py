"""The dbt DAG as the manifest describes it: layers, depth, the rules CONTRIBUTING sets, and its picture."""
