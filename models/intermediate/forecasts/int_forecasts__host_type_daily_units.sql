{#- Daily xlarge-normalized units per host type (every pricing model), for every day the CUR holds from
    the host type's first day of usage on; a day without usage of the host type is 0. The series the
    baseline and naive forecasters learn from. -#}

with

normalized_usage as (
    select * from {{ ref('int_normalized_usage_allocated') }}
),

daily_units as (
    select
        usage_date,
        host_type,
        sum(coalesce(normalized_units, 0)) as normalized_units
    from normalized_usage
    group by usage_date, host_type
),

days_with_data as (
    select distinct usage_date from normalized_usage
),

host_type_first_days as (
    select
        host_type,
        min(usage_date) as first_usage_date
    from daily_units
    where normalized_units > 0
    group by host_type
),

host_type_days as (
    select
        host_type_first_days.host_type,
        days_with_data.usage_date
    from host_type_first_days
    inner join days_with_data
        on host_type_first_days.first_usage_date <= days_with_data.usage_date
)

select
    host_type_days.usage_date,
    host_type_days.host_type,
    coalesce(daily_units.normalized_units, 0) as normalized_units
from host_type_days
left join daily_units
    on
        host_type_days.host_type = daily_units.host_type
        and host_type_days.usage_date = daily_units.usage_date
