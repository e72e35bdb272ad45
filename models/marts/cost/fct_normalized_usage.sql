{#- The public contract of fct_normalized_usage. Its rows are built in int_normalized_usage_allocated, which
    other models read: a mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests
    (docs/architecture.md). The contract in the YAML lists its columns. -#}

select * from {{ ref('int_normalized_usage_allocated') }}  -- noqa: AM04
