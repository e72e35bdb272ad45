{#- The trailing actuals the forecasters learn from, as of the generation date: the last
    var('forecast_training_days') days of data before it, per host type that had usage in its last week.
    day_index is 0 on the last day of data and negative before it. -#}

with

as_of as (
    select * from {{ ref('int_forecasts__as_of') }}
),

host_type_daily_units as (
    select * from {{ ref('int_forecasts__host_type_daily_units') }}
),

window_days as (
    select
        host_type_daily_units.host_type,
        host_type_daily_units.usage_date,
        {{ days_between('as_of.usage_data_through', 'host_type_daily_units.usage_date') }} as day_index,
        {{ iso_day_of_week('host_type_daily_units.usage_date') }} as day_of_week,
        host_type_daily_units.normalized_units
    from host_type_daily_units
    cross join as_of
    where
        host_type_daily_units.usage_date <= as_of.usage_data_through
        and host_type_daily_units.usage_date
        > {{ add_days('as_of.usage_data_through', -1 * var('forecast_training_days', 56)) }}
),

active_host_types as (
    select host_type
    from window_days
    where day_index > -7
    group by host_type
    having sum(normalized_units) > 0
)

select window_days.*
from window_days
inner join active_host_types
    on window_days.host_type = active_host_types.host_type
