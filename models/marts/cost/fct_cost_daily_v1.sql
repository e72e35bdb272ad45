{#- The public contract of fct_cost_daily. Its rows are built in int_cost_daily_allocated, which other models
    read: a mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests
    (docs/architecture.md). -#}

select * from {{ ref('int_cost_daily_allocated') }}  -- noqa: AM04 (the columns are the contract's, in the YAML)
