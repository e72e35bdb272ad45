{#- The public contract of fct_itemized_actuals. Its rows are built in int_forecasts__itemized_actuals, which
    other models read: a mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests
    (docs/architecture.md). The contract in the YAML lists its columns. -#}

select * from {{ ref('int_forecasts__itemized_actuals') }}  -- noqa: AM04
