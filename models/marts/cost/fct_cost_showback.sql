{#- The public contract of fct_cost_showback. Its rows are built in int_cost_showback, which other models read:
    a mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests (docs/architecture.md). -#}

select * from {{ ref('int_cost_showback') }}  -- noqa: AM04 (the columns are the contract's, in the YAML)
