{{ config(post_hook="{{ refresh_planner_statistics(this) }}") }}

{#- Each monitored series on each settled day with enough history, against its robust seasonal expectation:
    the median of the same weekday over the trailing var('anomaly_baseline_weeks') weeks (on the first day of a
    month, the previous month's first day when that was higher, since monthly charges and free-tier allowances
    post then), a noise scale from the median absolute deviation (MAD) of those days (1.4826 × MAD estimates a
    standard deviation; at least var('anomaly_relative_noise_floor') × expected so a flat series does not alert
    on cents, and on a month start at least the distance between the previous month's first day and the
    median), the score (actual − expected) / noise and whether the day is an outlier: |score| at least
    var('anomaly_score_threshold') and |actual − expected| at least var('anomaly_min_impact'). The median and
    MAD are the CTE baselines: grouped medians (median_of), not window functions, so every engine runs them. -#}

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
),

baselines as (
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
),

expected as (
    select
        series_daily.*,
        baselines.median_cost,
        baselines.median_amortized_cost,
        baselines.median_absolute_deviation,
        coalesce(
            series_daily.is_month_start and series_daily.previous_month_cost > baselines.median_cost, false
        ) as uses_previous_month_start
    from baselines
    inner join series_daily
        on
            baselines.series_key = series_daily.series_key
            and baselines.day_number = series_daily.day_number
),

expected_costs as (
    select
        expected.*,
        case
            when expected.uses_previous_month_start then expected.previous_month_cost else expected.median_cost
        end as expected_cost,
        case
            when expected.uses_previous_month_start then expected.previous_month_amortized_cost
            else expected.median_amortized_cost
        end as expected_amortized_cost
    from expected
),

scored as (
    select
        expected.*,
        greatest(
            1.4826 * expected.median_absolute_deviation,
            {{ var('anomaly_relative_noise_floor') }} * abs(expected.expected_cost),
            -- a month start may move as far from the weekday median as the previous month's first day did
            case
                when expected.is_month_start
                    then abs(coalesce(expected.previous_month_cost, expected.median_cost) - expected.median_cost)
                else 0
            end,
            0.01
        ) as noise_scale,
        expected.public_on_demand_cost - expected.expected_cost as impact,
        expected.amortized_cost - expected.expected_amortized_cost as amortized_impact
    from expected_costs as expected
)

select
    series_key,
    grain,
    payer_account_id,
    currency,
    account_id,
    service_code,
    usage_type,
    team,
    host_type,
    day_number,
    usage_date,
    is_month_start,
    public_on_demand_cost,
    amortized_cost,
    expected_cost,
    expected_amortized_cost,
    median_absolute_deviation,
    noise_scale,
    impact,
    amortized_impact,
    impact / noise_scale as anomaly_score,
    case when impact >= 0 then 'up' else 'down' end as direction,
    coalesce(
        abs(impact / noise_scale) >= {{ var('anomaly_score_threshold') }}
        and abs(impact) >= {{ var('anomaly_min_impact') }},
        false
    ) as is_outlier
from scored
