{#- The public contract of dim_commitment. Its rows are built in int_commitments, which other models read: a
    mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests (docs/architecture.md). -#}

select * from {{ ref('int_commitments') }}  -- noqa: AM04 (the columns are the contract's, in the YAML)
