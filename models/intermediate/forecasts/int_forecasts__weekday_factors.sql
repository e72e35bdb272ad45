{#- Robust day-of-week factors per host type, from the training window: each day's units divided by the
    centred 7-day moving average around it (days with the full week on both sides only), and per weekday
    the median of those ratios, rescaled so the seven factors average 1. A level shift moves the moving
    average with it, so a step only disturbs the ratios of the three days on either side, and the median
    ignores them; raw weekday means over a window containing a step would invent a pattern. A weekday
    without a ratio (too short a history) gets factor 1. -#}

with

training as (
    select * from {{ ref('int_forecasts__training_window') }}
),

centred as (
    select
        host_type,
        day_index,
        day_of_week,
        normalized_units,
        avg(normalized_units) over (
            partition by host_type order by day_index rows between 3 preceding and 3 following
        ) as centred_mean_units,
        count(*) over (
            partition by host_type order by day_index rows between 3 preceding and 3 following
        ) as centred_days
    from training
),

weekday_ratios as (
    select
        host_type,
        day_of_week,
        {{ stable_round(percentile_of('normalized_units / centred_mean_units', 0.5), 9) }} as median_ratio
    from centred
    where
        centred_days = 7
        and centred_mean_units > 0
        and day_index > {{ -1 * var('forecast_weekday_factor_days', 56) | int }}
    group by host_type, day_of_week
),

host_types as (
    select distinct host_type from training
),

weekdays as (
    select weekdays.day_of_week
    from (values (1), (2), (3), (4), (5), (6), (7)) as weekdays (day_of_week)
),

ratios_per_weekday as (
    select
        host_types.host_type,
        weekdays.day_of_week,
        coalesce(weekday_ratios.median_ratio, 1) as median_ratio
    from host_types
    cross join weekdays
    left join weekday_ratios
        on
            host_types.host_type = weekday_ratios.host_type
            and weekdays.day_of_week = weekday_ratios.day_of_week
),

ratio_means as (
    select
        host_type,
        avg(median_ratio) as mean_ratio
    from ratios_per_weekday
    group by host_type
)

select
    ratios_per_weekday.host_type,
    ratios_per_weekday.day_of_week,
    case
        when ratio_means.mean_ratio > 0
            then {{ stable_round('ratios_per_weekday.median_ratio / ratio_means.mean_ratio', 9) }}
        else 1
    end as seasonal_factor
from ratios_per_weekday
inner join ratio_means
    on ratios_per_weekday.host_type = ratio_means.host_type
