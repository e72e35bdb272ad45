{#- Backtest usage vintages (`cloudcost backtest`): forecasts made as of past dates from the history cut at
    each date, one row per source, generation time, host type and target date, at the host-type grain of the
    computed forecasts. Empty until the first backtest writes its raw table. -#}

{%- set loaded_relation = existing_relation(source('forecasts', 'raw_forecast_backtests')) %}

with

backtests as (
    {%- if loaded_relation is not none %}
    select
        raw_forecast_backtests.forecast_source,
        raw_forecast_backtests.model_source,
        raw_forecast_backtests.generated_at,
        raw_forecast_backtests.host_type,
        raw_forecast_backtests.target_date,
        raw_forecast_backtests.normalized_units,
        raw_forecast_backtests.lower_bound,
        raw_forecast_backtests.upper_bound,
        raw_forecast_backtests.data_lag_days
    from {{ source('forecasts', 'raw_forecast_backtests') }} as raw_forecast_backtests
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as forecast_source,
            cast(null as {{ dbt.type_string() }}) as model_source,
            cast(null as timestamp) as generated_at,
            cast(null as {{ dbt.type_string() }}) as host_type,
            cast(null as date) as target_date,
            cast(null as double precision) as normalized_units,
            cast(null as double precision) as lower_bound,
            cast(null as double precision) as upper_bound,
            cast(null as integer) as data_lag_days
        where 1 = 0
    {%- endif %}
),

typed as (
    select
        cast(forecast_source as {{ dbt.type_string() }}) as forecast_source,
        cast(model_source as {{ dbt.type_string() }}) as model_source,
        cast(generated_at as timestamp) as generated_at,
        cast(host_type as {{ dbt.type_string() }}) as host_type,
        cast(target_date as date) as target_date,
        cast(normalized_units as double precision) as normalized_units,
        cast(lower_bound as double precision) as lower_bound,
        cast(upper_bound as double precision) as upper_bound,
        cast(data_lag_days as integer) as data_lag_days
    from backtests
),

with_grain as (
    select
        {{ row_key(["'host_type'", 'typed.host_type', 'null', 'null', 'null']) }} as grain_key,
        typed.*
    from typed
)

select
    {{ row_key(['forecast_source', 'grain_key', 'target_date']) }} as forecast_key,
    with_grain.*
from with_grain
