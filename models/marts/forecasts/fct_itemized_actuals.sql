{#- The public contract of fct_itemized_actuals. Its rows are built in int_forecasts__itemized_actuals, which
    other models read: a mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests
    (docs/architecture.md). -#}

select * from {{ ref('int_forecasts__itemized_actuals') }}  -- noqa: AM04 (the columns are the contract's, in the YAML)
