{#- The public contract of fct_normalized_usage: the logic is in int_normalized_usage_allocated, which other models read (a mart is a
    leaf of the DAG: nothing but exposures, metrics, analyses and tests reads it). -#}

select * from {{ ref('int_normalized_usage_allocated') }}
