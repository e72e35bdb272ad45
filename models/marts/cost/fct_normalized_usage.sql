{#- The public contract of fct_normalized_usage. Its rows are built in int_normalized_usage_allocated, which
    other models read: a mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests
    (docs/architecture.md). -#}

select * from {{ ref('int_normalized_usage_allocated') }}  -- noqa: AM04 (the columns are the contract's, in the YAML)
