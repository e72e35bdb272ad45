{#- The public contract of fct_forecast_vintages. Its rows are built in int_forecasts__vintages, which other
    models read: a mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests
    (docs/architecture.md). The contract in the YAML lists its columns. -#}

select * from {{ ref('int_forecasts__vintages') }}  -- noqa: AM04
