{#- The public contract of fct_commitment_recommendations: the logic is in int_commitment_recommendations, which other models read (a mart is a
    leaf of the DAG: nothing but exposures, metrics, analyses and tests reads it). -#}

select * from {{ ref('int_commitment_recommendations') }}
