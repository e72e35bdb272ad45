{#- The public contract of dim_commitment: the logic is in int_commitments, which other models read (a mart is a
    leaf of the DAG: nothing but exposures, metrics, analyses and tests reads it). -#}

select * from {{ ref('int_commitments') }}
