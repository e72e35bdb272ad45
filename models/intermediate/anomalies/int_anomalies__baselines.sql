{{ config(post_hook="{{ refresh_planner_statistics(this) }}") }}

{#- The robust seasonal baseline of each monitored series on each settled day with enough history: the median
    of the same weekday over the trailing var('anomaly_baseline_weeks') weeks and the median absolute deviation
    (MAD) of those days from it. Grouped medians (median_of), not window functions, so every engine runs it. -#}

{%- set weeks = var('anomaly_baseline_weeks') | int %}

with

series_daily as (
    select * from {{ ref('int_anomalies__series_daily') }}
),

settled_days as (
    select * from {{ ref('int_anomalies__settled_days') }}
),

evaluated as (
    select series_daily.*
    from series_daily
    inner join settled_days
        on
            series_daily.payer_account_id = settled_days.payer_account_id
            and series_daily.currency = settled_days.currency
    where
        series_daily.day_number >= settled_days.first_evaluated_day_number
        and series_daily.day_number <= settled_days.settled_through_day_number
),

same_weekdays as (
    select
        evaluated.series_key,
        evaluated.day_number,
        past.public_on_demand_cost as past_cost,
        past.amortized_cost as past_amortized_cost
    from evaluated
    inner join series_daily as past
        on
            evaluated.series_key = past.series_key
            and evaluated.day_number - past.day_number in (
                {%- for week in range(1, weeks + 1) %}
                    {{ 7 * week }}{{ "," if not loop.last }}
                {%- endfor %}
            )
),

weekday_medians as (
    select
        series_key,
        day_number,
        {{ median_of('past_cost') }} as median_cost,
        {{ median_of('past_amortized_cost') }} as median_amortized_cost
    from same_weekdays
    group by series_key, day_number
),

weekday_deviations as (
    select
        same_weekdays.series_key,
        same_weekdays.day_number,
        {{ median_of('abs(same_weekdays.past_cost - weekday_medians.median_cost)') }} as median_absolute_deviation
    from same_weekdays
    inner join weekday_medians
        on
            same_weekdays.series_key = weekday_medians.series_key
            and same_weekdays.day_number = weekday_medians.day_number
    group by same_weekdays.series_key, same_weekdays.day_number
)

select
    weekday_medians.series_key,
    weekday_medians.day_number,
    weekday_medians.median_cost,
    weekday_medians.median_amortized_cost,
    weekday_deviations.median_absolute_deviation
from weekday_medians
inner join weekday_deviations
    on
        weekday_medians.series_key = weekday_deviations.series_key
        and weekday_medians.day_number = weekday_deviations.day_number
