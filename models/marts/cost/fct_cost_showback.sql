{#- The public contract of fct_cost_showback. Its rows are built in int_cost_showback, which other models read:
    a mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests (docs/architecture.md).
    The contract in the YAML lists its columns. -#}

select * from {{ ref('int_cost_showback') }}  -- noqa: AM04
