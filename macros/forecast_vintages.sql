{#- The latest submitted vintage of each forecast source, as three CTEs (submitted, latest_vintages,
    current_submitted) for the models of forecasts current as of the generation date
    (int_forecasts__usage_current, int_forecasts__cost_current): the rows of `relation` generated on or before
    var('as_of_date') when it is set (else all), kept for each source's latest generated_at. `columns` are
    taken from the submitted rows; `extra` are further select expressions (e.g. a NULL the computed forecasts
    fill). -#}
{% macro current_submitted_vintages(relation, columns, extra=[]) -%}
    {%- set as_of = date_var('as_of_date') -%}
submitted as (
    select * from {{ relation }}
    {%- if as_of %}
    where generated_at < cast({{ add_days("cast('" ~ as_of ~ "' as date)", 1) }} as timestamp)
    {%- endif %}
),

latest_vintages as (
    select
        forecast_source,
        max(generated_at) as generated_at
    from submitted
    group by forecast_source
),

current_submitted as (
    select
        {%- for column in columns %}
        submitted.{{ column }}{{ "," if not loop.last or extra }}
        {%- endfor %}
        {%- for expression in extra %}
        {{ expression }}{{ "," if not loop.last }}
        {%- endfor %}
    from submitted
    inner join latest_vintages
        on
            submitted.forecast_source = latest_vintages.forecast_source
            and submitted.generated_at = latest_vintages.generated_at
)
{%- endmacro %}
