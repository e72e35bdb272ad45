{#- The public contract of fct_commitment_utilization: the logic is in int_commitment_utilization, which other models read (a mart is a
    leaf of the DAG: nothing but exposures, metrics, analyses and tests reads it). -#}

select * from {{ ref('int_commitment_utilization') }}
