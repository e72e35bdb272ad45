{#- The public contract of fct_forecast_vintages: the logic is in int_forecasts__vintages, which other models read (a mart is a
    leaf of the DAG: nothing but exposures, metrics, analyses and tests reads it). -#}

select * from {{ ref('int_forecasts__vintages') }}
