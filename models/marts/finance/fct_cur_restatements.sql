{#- The public contract of fct_cur_restatements. Its rows are built in int_finance__cur_restatements, which
    other models read: a mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests
    (docs/architecture.md). -#}

select * from {{ ref('int_finance__cur_restatements') }}  -- noqa: AM04 (the columns are the contract's, in the YAML)
