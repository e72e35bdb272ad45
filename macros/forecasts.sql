{#- Forecast macros (DESIGN: forecasts). Engine differences go through adapter.dispatch. -#}

{#- The horizons the computed forecasts cover, as a query with one integer column `horizon_days`. -#}
{% macro forecast_horizons() -%}
    {%- set max_horizon = var('forecast_max_horizon_days', 35) | int -%}
    select horizons.horizon_days
    from (
        values
        {%- for horizon in range(1, max_horizon + 1) %}
        ({{ horizon }}){% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as horizons (horizon_days)
{%- endmacro %}

{#- The horizon bucket of a horizon in days: 1-7, 8-14, 15-28, 29-35; 0 (same day) and 36+ (longer, e.g.
    finance forecasts made months ahead) are kept apart. -#}
{% macro horizon_bucket(horizon_days) -%}
    case
        when {{ horizon_days }} <= 0 then '0'
        when {{ horizon_days }} <= 7 then '1-7'
        when {{ horizon_days }} <= 14 then '8-14'
        when {{ horizon_days }} <= 28 then '15-28'
        when {{ horizon_days }} <= 35 then '29-35'
        else '36+'
    end
{%- endmacro %}

{#- A date plus a whole number of days (a date on every engine). -#}
{% macro add_days(date_expr, days_expr) -%}
    {{ return(adapter.dispatch('add_days', 'cloudcost')(date_expr, days_expr)) }}
{%- endmacro %}

{% macro default__add_days(date_expr, days_expr) -%}
    cast({{ date_expr }} + cast({{ days_expr }} as integer) as date)
{%- endmacro %}

{#- Whole days from start_date to end_date (negative when end_date is earlier). -#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between', 'cloudcost')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    cast(cast({{ end_date }} as date) - cast({{ start_date }} as date) as integer)
{%- endmacro %}

{#- ISO day of the week (1 = Monday … 7 = Sunday) of a date. -#}
{% macro iso_day_of_week(date_expr) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'cloudcost')(date_expr)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expr) -%}
    cast(extract(isodow from cast({{ date_expr }} as date)) as integer)
{%- endmacro %}

{% macro spark__iso_day_of_week(date_expr) -%}
    cast(extract(dayofweek_iso from cast({{ date_expr }} as date)) as int)
{%- endmacro %}

{#- First and last day of the month of a date. -#}
{% macro month_start(date_expr) -%}
    cast(date_trunc('month', cast({{ date_expr }} as date)) as date)
{%- endmacro %}

{% macro month_end(date_expr) -%}
    {{ return(adapter.dispatch('month_end', 'cloudcost')(date_expr)) }}
{%- endmacro %}

{% macro default__month_end(date_expr) -%}
    cast(date_trunc('month', cast({{ date_expr }} as date)) + interval '1 month' - interval '1 day' as date)
{%- endmacro %}

{#- Continuous percentile of an expression within a group (an aggregate). -#}
{% macro percentile_of(expr, fraction) -%}
    {{ return(adapter.dispatch('percentile_of', 'cloudcost')(expr, fraction)) }}
{%- endmacro %}

{% macro default__percentile_of(expr, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__percentile_of(expr, fraction) -%}
    quantile_cont({{ expr }}, {{ fraction }})
{%- endmacro %}

{#- The grain of a usage forecast row: host type plus the optional keys it names (team, instance family,
    region), e.g. 'host_type', 'host_type_team', 'host_type_team_instance_family_region'. -#}
{% macro usage_forecast_grain(team, instance_family, region) -%}
    'host_type'
    || case when {{ team }} is not null then '_team' else '' end
    || case when {{ instance_family }} is not null then '_instance_family' else '' end
    || case when {{ region }} is not null then '_region' else '' end
{%- endmacro %}

{#- The optional keys of the usage forecast grain, in the order usage_forecast_grain names them. -#}
{% macro usage_forecast_optional_keys() -%}
    {{ return(['team', 'instance_family', 'region']) }}
{%- endmacro %}

{#- The relation if it exists in the warehouse, else none (tables the loader creates on first use). -#}
{% macro existing_relation(relation) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    )) }}
{%- endmacro %}

{#- A floating value rounded to a fixed number of decimals (a double on every engine), so that engines whose
    floating arithmetic differs in the last bits (summation order, float-to-numeric conversion, regr_slope's
    algorithm) agree on it: every comparison, ranking and percentile of the forecasters is made on rounded
    values. Values equal in exact arithmetic (a constant series' factor of 1, its zero residuals) come out
    exactly equal. Keep `digits` well inside a double's 15 significant digits. -#}
{% macro stable_round(expr, digits) -%}
    {{ return(adapter.dispatch('stable_round', 'cloudcost')(expr, digits)) }}
{%- endmacro %}

{% macro default__stable_round(expr, digits) -%}
    cast(round(cast({{ expr }} as numeric), {{ digits }}) as double precision)
{%- endmacro %}

{% macro duckdb__stable_round(expr, digits) -%}
    cast(round(cast({{ expr }} as decimal(38, 18)), {{ digits }}) as double)
{%- endmacro %}
