{#- The naive usage forecasts every source is compared with, per host type, horizons 1–35 days from the
    generation date, from the same trailing actuals as the baseline:
    - `naive_last_value`: the last day of data, repeated.
    - `naive_seasonal`: the last day of data that falls on the target's weekday (one week's pattern,
      repeated). -#}

with

as_of as (
    select * from {{ ref('int_forecasts__as_of') }}
),

training as (
    select * from {{ ref('int_forecasts__training_window') }}
),

horizons as (
    {{ forecast_horizons() }}
),

host_types as (
    select distinct host_type from training
),

targets as (
    select
        host_types.host_type,
        horizons.horizon_days,
        as_of.generated_at,
        {{ add_days('as_of.generation_date', 'horizons.horizon_days') }} as target_date,
        as_of.usage_data_through
    from host_types
    cross join horizons
    cross join as_of
),

target_steps as (
    select
        targets.*,
        {{ days_between('targets.usage_data_through', 'targets.target_date') }} as days_after_data
    from targets
),

reference_days as (
    select
        target_steps.*,
        0 as last_value_day_index,
        target_steps.days_after_data
        - 7 * cast(floor((target_steps.days_after_data + 6) / 7.0) as integer) as same_weekday_day_index
    from target_steps
),

last_value as (
    select
        'naive_last_value' as forecast_source,
        reference_days.generated_at,
        reference_days.host_type,
        reference_days.target_date,
        reference_days.horizon_days,
        training.normalized_units
    from reference_days
    inner join training
        on
            reference_days.host_type = training.host_type
            and reference_days.last_value_day_index = training.day_index
),

seasonal as (
    select
        'naive_seasonal' as forecast_source,
        reference_days.generated_at,
        reference_days.host_type,
        reference_days.target_date,
        reference_days.horizon_days,
        training.normalized_units
    from reference_days
    inner join training
        on
            reference_days.host_type = training.host_type
            and reference_days.same_weekday_day_index = training.day_index
)

select * from last_value
union all
select * from seasonal
