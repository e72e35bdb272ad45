{{ config(materialized='view') }}

{#- The moment the computed forecasts are made (one row). The generation date is var('as_of_date') when
    set (replay sets it day by day), else the day after the last day of actuals. Forecasts use only actuals
    of days before the generation date: `usage_data_through` / `cost_data_through` are the last such days
    (earlier than the day before when the CUR lags). `cloudcost backtest --lag-days N` simulates a delivery
    lag: with var('forecast_data_lag_days') = N the forecasts see only days before the generation date less N.
    The last days are read before allocation (int_normalized_usage, int_cost_daily): allocation maps every
    allocation key, so it keeps every day, and reading the earlier models keeps the forecast chain shorter. -#}

{%- set as_of = date_var('as_of_date') %}
{%- set lag_days = var('forecast_data_lag_days', 0) | int %}

with

usage_days as (
    select max(normalized_usage.usage_date) as last_usage_date
    from {{ ref('int_normalized_usage') }} as normalized_usage
    {%- if as_of %}
    where normalized_usage.usage_date < {{ add_days("cast('" ~ as_of ~ "' as date)", -1 * lag_days) }}
    {%- endif %}
),

cost_days as (
    select max(cost_daily.usage_date) as last_usage_date
    from {{ ref('int_cost_daily') }} as cost_daily
    {%- if as_of %}
    where cost_daily.usage_date < {{ add_days("cast('" ~ as_of ~ "' as date)", -1 * lag_days) }}
    {%- endif %}
),

generation as (
    select
        {%- if as_of %}
        cast('{{ as_of }}' as date) as generation_date,
        {%- else %}
            coalesce(
                {{ add_days('usage_days.last_usage_date', 1) }}, {{ add_days('cost_days.last_usage_date', 1) }}
            ) as generation_date,
        {%- endif %}
        usage_days.last_usage_date as usage_data_through,
        cost_days.last_usage_date as cost_data_through
    from usage_days
    cross join cost_days
)

select
    generation_date,
    cast(generation_date as timestamp) as generated_at,
    usage_data_through,
    cost_data_through,
    {{ month_start('generation_date') }} as open_month
from generation
