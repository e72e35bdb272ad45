{#- Forecast accuracy per source × grain × measure × horizon bucket × month (of the target), for every
    member of the grain (a host type, or a service / family / pricing model) and for all members together
    (grain_member '(all)'):
    WAPE = Σ|actual − forecast| / Σ actual; bias = Σ(forecast − actual) / Σ actual; MAPE = mean of
    |actual − forecast| / |actual| over points with a non-zero actual; interval coverage = share of points
    with an interval whose actual lies inside it (to within 1e-9 relative: a flat host type's interval is a
    point, and engines round its bounds differently). The sums are kept so figures can be re-aggregated.
    Usage points also give the WAPE of the naive baselines on exactly the same points (same generation
    dates, members and targets), the interval coverage without zero-width intervals, and the mean 80 %
    interval score (width + 10 × the distance by which the actual falls outside; lower is better). -#}

{%- set tolerance = 1e-9 %}
{#- interval score penalty 2 / α for an 80 % interval (α = 0.2) #}
{%- set outside_penalty = 10 %}

with

points as (
    select * from {{ ref('int_forecasts__accuracy_points') }}
),

all_members as (
    select
        forecast_source,
        forecast_grain,
        grain_member,
        measure,
        currency,
        horizon_bucket,
        forecast_month,
        forecast_value,
        actual_value,
        lower_bound,
        upper_bound,
        naive_last_value,
        naive_seasonal_value
    from points
    union all
    select
        forecast_source,
        forecast_grain,
        '(all)' as grain_member,
        measure,
        currency,
        horizon_bucket,
        forecast_month,
        forecast_value,
        actual_value,
        lower_bound,
        upper_bound,
        naive_last_value,
        naive_seasonal_value
    from points
),

covered as (
    select
        *,
        case
            when lower_bound is not null and upper_bound is not null
                then
                    cast(
                        case
                            when
                                actual_value >= lower_bound - {{ tolerance }} * greatest(1, abs(actual_value))
                                and actual_value <= upper_bound + {{ tolerance }} * greatest(1, abs(actual_value))
                                then 1
                            else 0
                        end
                        as double precision
                    )
        end as is_covered,
        case
            when lower_bound is not null and upper_bound is not null
                then
                    (upper_bound - lower_bound)
                    + {{ outside_penalty }} * greatest(lower_bound - actual_value, 0)
                    + {{ outside_penalty }} * greatest(actual_value - upper_bound, 0)
        end as interval_score
    from all_members
),

summed as (
    select
        forecast_source,
        forecast_grain,
        grain_member,
        measure,
        currency,
        horizon_bucket,
        forecast_month,
        cast(count(*) as bigint) as n_points,
        sum(actual_value) as sum_actual,
        sum(forecast_value) as sum_forecast,
        sum(abs(actual_value - forecast_value)) as sum_absolute_error,
        avg(
            case when actual_value <> 0 then abs(actual_value - forecast_value) / abs(actual_value) end
        ) as mape,
        cast(count(case when actual_value <> 0 then 1 end) as bigint) as n_points_nonzero_actual,
        avg(is_covered) as interval_coverage,
        avg(case when upper_bound > lower_bound then is_covered end) as interval_coverage_nonzero_width,
        cast(count(case when upper_bound > lower_bound then 1 end) as bigint) as n_points_nonzero_width,
        sum(interval_score) as sum_interval_score,
        sum(abs(actual_value - naive_last_value)) as sum_absolute_error_naive_last_value,
        sum(abs(actual_value - naive_seasonal_value)) as sum_absolute_error_naive_seasonal,
        cast(count(case when lower_bound is not null and upper_bound is not null then 1 end) as bigint)
            as n_points_with_interval
    from covered
    group by
        forecast_source,
        forecast_grain,
        grain_member,
        measure,
        currency,
        horizon_bucket,
        forecast_month
)

select
    {{ row_key([
        'forecast_source', 'forecast_grain', 'grain_member', 'measure', 'currency', 'horizon_bucket',
        'forecast_month',
    ]) }} as forecast_accuracy_key,
    forecast_source,
    forecast_grain,
    grain_member,
    measure,
    currency,
    horizon_bucket,
    forecast_month,
    case when sum_actual <> 0 then sum_absolute_error / sum_actual end as wape,
    case when sum_actual <> 0 then (sum_forecast - sum_actual) / sum_actual end as bias,
    mape,
    interval_coverage,
    n_points,
    n_points_nonzero_actual,
    n_points_with_interval,
    sum_actual,
    sum_forecast,
    sum_absolute_error,
    case when sum_actual <> 0 then sum_absolute_error_naive_last_value / sum_actual end as wape_naive_last_value,
    case when sum_actual <> 0 then sum_absolute_error_naive_seasonal / sum_actual end as wape_naive_seasonal,
    interval_coverage_nonzero_width,
    n_points_nonzero_width,
    case when n_points_with_interval > 0 then sum_interval_score / n_points_with_interval end as interval_score,
    sum_absolute_error_naive_last_value,
    sum_absolute_error_naive_seasonal,
    sum_interval_score
from summed
