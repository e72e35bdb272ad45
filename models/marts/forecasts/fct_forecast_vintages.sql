{#- The public contract of fct_forecast_vintages. Its rows are built in int_forecasts__vintages, which other
    models read: a mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests
    (docs/architecture.md). -#}

select * from {{ ref('int_forecasts__vintages') }}  -- noqa: AM04 (the columns are the contract's, in the YAML)
