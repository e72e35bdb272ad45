{#- The public contract of fct_commitment_utilization. Its rows are built in int_commitment_utilization, which
    other models read: a mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests
    (docs/architecture.md). The contract in the YAML lists its columns. -#}

select * from {{ ref('int_commitment_utilization') }}  -- noqa: AM04
