{#- The public contract of fct_commitment_recommendations. Its rows are built in int_commitment_recommendations,
    which other models read: a mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests
    (docs/architecture.md). -#}

select * from {{ ref('int_commitment_recommendations') }}  -- noqa: AM04 (the columns are the contract's, in the YAML)
