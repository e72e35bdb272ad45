{#- The public contract of fct_cost_showback: the logic is in int_cost_showback, which other models read (a mart is a
    leaf of the DAG: nothing but exposures, metrics, analyses and tests reads it). -#}

select * from {{ ref('int_cost_showback') }}
