{#- For Savings Plan sizing (Savings Plans are bought per hour, on the hourly floor of usage): per instance
    family, the 10th and 50th percentiles over the clock hours of the base month (the last whole month of
    usage actuals) of the on-demand-equivalent xlarge-normalized units in use (every pricing model; hours
    without usage count as 0). Only hourly CUR lines count; a family with no hourly line in the base month
    (a CUR with daily granularity) or any line longer than an hour has no row. -#}

with

history as (
    select * from {{ ref('int_forecasts__monthly_history') }}
),

base as (
    select
        max(history_month) as base_month,
        max(days_in_month) * 24 as base_hours
    from history
    where measure = 'usage' and month_offset = 0
),

base_lines as (
    select
        usage_lines.instance_family,
        usage_lines.usage_start_at,
        usage_lines.line_clock_hours,
        usage_lines.normalized_units
    from {{ ref('int_commitment_usage_lines') }} as usage_lines
    inner join base
        on usage_lines.billing_period = base.base_month
    where usage_lines.instance_family is not null
),

families as (
    -- hourly CUR: every instance-hour line of the family in the base month covers one clock hour at most
    select instance_family
    from base_lines
    group by instance_family
    having max(case when line_clock_hours > 1 then 1 else 0 end) = 0
),

hourly_lines as (
    select
        base_lines.instance_family,
        date_trunc('hour', base_lines.usage_start_at) as usage_hour,
        sum(base_lines.normalized_units) as normalized_units
    from base_lines
    inner join families
        on base_lines.instance_family = families.instance_family
    group by base_lines.instance_family, date_trunc('hour', base_lines.usage_start_at)
),

hour_numbers as (
    {{ number_series(744) }}
),

base_hours as (
    select cast(base.base_month as timestamp) + hour_numbers.number_in_series * interval '1 hour' as usage_hour
    from base
    cross join hour_numbers
    where hour_numbers.number_in_series < base.base_hours
),

family_hours as (
    select
        families.instance_family,
        base_hours.usage_hour,
        coalesce(hourly_lines.normalized_units, 0) as normalized_units
    from families
    cross join base_hours
    left join hourly_lines
        on
            families.instance_family = hourly_lines.instance_family
            and base_hours.usage_hour = hourly_lines.usage_hour
)

select
    family_hours.instance_family,
    max(base.base_month) as base_month,
    count(*) as base_hours,
    {{ percentile_of('family_hours.normalized_units', 0.1) }} as hourly_units_p10,
    {{ percentile_of('family_hours.normalized_units', 0.5) }} as hourly_units_p50,
    sum(family_hours.normalized_units) / count(*) as hourly_units_mean
from family_hours
cross join base
group by family_hours.instance_family
