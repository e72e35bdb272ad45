{#- The public contract of fct_cur_restatements: the logic is in int_finance__cur_restatements, which other models read (a mart is a
    leaf of the DAG: nothing but exposures, metrics, analyses and tests reads it). -#}

select * from {{ ref('int_finance__cur_restatements') }}
