{#- The baseline usage forecaster (forecast source `baseline`): per host type, daily xlarge-normalized units
    for horizons 1–35 days from the generation date, from trailing actuals only.

    1. Day-of-week seasonality: each weekday's mean over the training window (whole weeks) divided by the
       window's mean, a multiplicative factor.
    2. Trend: a least-squares line (regr_slope / regr_intercept) through the deseasonalized units of the last
       var('forecast_trend_days') days; day_index 0 is the last day of data, so the intercept is the fitted
       level on that day.
    3. Persistence: usage that ran above (below) the line lately tends to stay there for a few days. The
       last day's residual is carried forward, fading as ρ^k, where ρ is the lag-1 autocorrelation of the
       residuals (regr_slope of each residual on the one before, kept within 0–0.95).
    4. Forecast k days after the last day of data = (level + slope × damped steps + ρ^k × last residual)
       × the target weekday's factor, where damped steps = φ + φ² + … + φ^k (φ = var('forecast_trend_damping')):
       the trend fades instead of running on for five weeks. Never below 0.
    5. 80 % interval: the 10th and 90th percentiles of the fit's past residuals (deseasonalized), scaled
       by the weekday factor and widened with the distance from the data, √(1 + k / w) with
       w = var('forecast_interval_widening_days') (28): in-sample residuals understate errors days ahead. -#}

{%- set trend_days = var('forecast_trend_days', 56) | int %}
{%- set damping = var('forecast_trend_damping', 0.7) | float %}
{%- set widening_days = var('forecast_interval_widening_days', 28) | int %}

with

as_of as (
    select * from {{ ref('int_forecasts__as_of') }}
),

training as (
    select * from {{ ref('int_forecasts__training_window') }}
),

weekday_means as (
    select
        host_type,
        day_of_week,
        avg(normalized_units) as weekday_mean_units
    from training
    group by host_type, day_of_week
),

host_type_means as (
    select
        host_type,
        avg(normalized_units) as mean_units
    from training
    group by host_type
),

seasonal_factors as (
    select
        weekday_means.host_type,
        weekday_means.day_of_week,
        case
            when host_type_means.mean_units > 0
                then weekday_means.weekday_mean_units / host_type_means.mean_units
            else 1
        end as seasonal_factor
    from weekday_means
    inner join host_type_means
        on weekday_means.host_type = host_type_means.host_type
),

deseasonalized as (
    select
        training.host_type,
        training.day_index,
        training.normalized_units / seasonal_factors.seasonal_factor as level_units
    from training
    inner join seasonal_factors
        on
            training.host_type = seasonal_factors.host_type
            and training.day_of_week = seasonal_factors.day_of_week
    where
        seasonal_factors.seasonal_factor > 0
        and training.day_index > {{ -1 * trend_days }}
),

trend_fits as (
    select
        host_type,
        coalesce(regr_slope(level_units, day_index), 0) as trend_slope,
        coalesce(regr_intercept(level_units, day_index), avg(level_units)) as level_at_last_day,
        count(*) as fitted_days
    from deseasonalized
    group by host_type
),

residuals as (
    select
        deseasonalized.host_type,
        deseasonalized.day_index,
        deseasonalized.level_units
        - (trend_fits.level_at_last_day + trend_fits.trend_slope * deseasonalized.day_index) as residual
    from deseasonalized
    inner join trend_fits
        on deseasonalized.host_type = trend_fits.host_type
),

residual_spreads as (
    select
        host_type,
        {{ percentile_of('residual', 0.1) }} as residual_p10,
        {{ percentile_of('residual', 0.9) }} as residual_p90
    from residuals
    group by host_type
),

lagged_residuals as (
    select
        residuals.host_type,
        residuals.residual,
        lag(residuals.residual) over (
            partition by residuals.host_type order by residuals.day_index
        ) as previous_residual,
        residuals.day_index,
        max(residuals.day_index) over (partition by residuals.host_type) as last_day_index
    from residuals
),

persistence as (
    select
        host_type,
        least(greatest(coalesce(regr_slope(residual, previous_residual), 0), 0), 0.95) as residual_persistence,
        coalesce(max(case when day_index = last_day_index then residual end), 0) as last_residual
    from lagged_residuals
    group by host_type
),

horizons as (
    {{ forecast_horizons() }}
),

targets as (
    select
        trend_fits.host_type,
        horizons.horizon_days,
        {{ add_days('as_of.generation_date', 'horizons.horizon_days') }} as target_date,
        as_of.usage_data_through,
        as_of.generated_at
    from trend_fits
    cross join horizons
    cross join as_of
),

target_steps as (
    select
        targets.*,
        {{ days_between('targets.usage_data_through', 'targets.target_date') }} as days_after_data,
        {{ iso_day_of_week('targets.target_date') }} as day_of_week
    from targets
),

point_forecasts as (
    select
        target_steps.host_type,
        target_steps.generated_at,
        target_steps.target_date,
        target_steps.horizon_days,
        target_steps.days_after_data,
        seasonal_factors.seasonal_factor,
        residual_spreads.residual_p10,
        residual_spreads.residual_p90,
        (
            trend_fits.level_at_last_day
            + trend_fits.trend_slope
            {%- if damping < 1 %}
                * {{ damping }} * (1 - power({{ damping }}, target_steps.days_after_data)) / {{ 1 - damping }}
            {%- else %}
            * target_steps.days_after_data
            {%- endif %}
            + power(persistence.residual_persistence, target_steps.days_after_data) * persistence.last_residual
        ) * seasonal_factors.seasonal_factor as trend_units
    from target_steps
    inner join trend_fits
        on target_steps.host_type = trend_fits.host_type
    inner join seasonal_factors
        on
            target_steps.host_type = seasonal_factors.host_type
            and target_steps.day_of_week = seasonal_factors.day_of_week
    inner join residual_spreads
        on target_steps.host_type = residual_spreads.host_type
    inner join persistence
        on target_steps.host_type = persistence.host_type
)

select
    'baseline' as forecast_source,
    generated_at,
    host_type,
    target_date,
    horizon_days,
    greatest(trend_units, 0) as normalized_units,
    greatest(
        trend_units
        + residual_p10 * seasonal_factor * sqrt(1 + days_after_data / {{ widening_days }}.0),
        0
    ) as lower_bound,
    greatest(
        trend_units
        + residual_p90 * seasonal_factor * sqrt(1 + days_after_data / {{ widening_days }}.0),
        0
    ) as upper_bound
from point_forecasts
