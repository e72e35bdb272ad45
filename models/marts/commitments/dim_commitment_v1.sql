{#- The public contract of dim_commitment. Its rows are built in int_commitments, which other models read: a
    mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests (docs/architecture.md).
    The contract in the YAML lists its columns. -#}

select * from {{ ref('int_commitments') }}  -- noqa: AM04
