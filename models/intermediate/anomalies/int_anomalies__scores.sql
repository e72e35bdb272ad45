{{ config(post_hook="{{ refresh_planner_statistics(this) }}") }}

{#- Each monitored series on each settled day with enough history, against its robust seasonal expectation:
    the median of the same weekday over the trailing var('anomaly_baseline_weeks') weeks (on the first day of a
    month, the previous month's first day when that was higher, since monthly charges and free-tier allowances
    post then), a noise scale from the median absolute deviation (MAD) of those days (1.4826 × MAD estimates a
    standard deviation; at least var('anomaly_relative_noise_floor') × expected so a flat series does not alert
    on cents, and on a month start at least the distance between the previous month's first day and the
    median), the score (actual − expected) / noise and whether the day is an outlier: |score| at least
    var('anomaly_score_threshold') and |actual − expected| at least var('anomaly_min_impact'). The median and
    MAD come from int_anomalies__baselines. -#}


with

series_daily as (
    select * from {{ ref('int_anomalies__series_daily') }}
),

baselines as (
    select * from {{ ref('int_anomalies__baselines') }}
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
