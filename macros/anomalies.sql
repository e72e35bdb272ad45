{#- Anomaly detection helpers. Engine differences behind adapter.dispatch. -#}

{#- The median of a numeric expression as an aggregate (grouped, not windowed): DuckDB has median();
    Postgres has the ordered-set aggregate percentile_cont. -#}
{% macro median_of(expr) -%}
    {{ return(adapter.dispatch('median_of', 'cloudcost')(expr)) }}
{%- endmacro %}

{% macro default__median_of(expr) -%}
    median({{ expr }})
{%- endmacro %}

{% macro postgres__median_of(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{#- Days since 2000-01-01 as an integer: equality joins on "same weekday, k weeks earlier" stay cheap. -#}
{% macro day_number(date_expr) -%}
    {{ dbt.datediff("cast('2000-01-01' as date)", date_expr, 'day') }}
{%- endmacro %}

{#- The date of a day number (inverse of day_number). -#}
{% macro day_number_date(day_number_expr) -%}
    cast({{ dbt.dateadd('day', day_number_expr, "cast('2000-01-01' as date)") }} as date)
{%- endmacro %}

{#- The detection grains: name -> the dimension columns that identify a series (besides payer and currency). -#}
{% macro anomaly_grains() -%}
    {{ return({
        'account_service': ['account_id', 'service_code'],
        'service_usage_type': ['service_code', 'usage_type'],
        'team': ['team'],
        'host_type': ['host_type'],
    }) }}
{%- endmacro %}

{#- Every dimension column a series row carries (NULL where its grain does not use it). -#}
{% macro anomaly_dimensions() -%}
    {{ return(['account_id', 'service_code', 'usage_type', 'team', 'host_type']) }}
{%- endmacro %}

{#- The SQL expressions of the five dimension columns for one grain: the column where the grain uses it, else a
    typed NULL. -#}
{% macro dimensions_of(grain_dimensions) -%}
    {%- set expressions = [] -%}
    {%- for dimension in anomaly_dimensions() -%}
        {%- do expressions.append(
            dimension if dimension in grain_dimensions else 'cast(null as ' ~ dbt.type_string() ~ ')'
        ) -%}
    {%- endfor -%}
    {{ return(expressions) }}
{%- endmacro %}
