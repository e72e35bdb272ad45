{#- The baseline usage forecaster (forecast source `baseline`): per host type, daily xlarge-normalized units
    for horizons 1–35 days from the generation date, from trailing actuals only.

    1. Day-of-week seasonality: robust multiplicative weekday factors (int_forecasts__weekday_factors).
    2. Level and trend, on the deseasonalized units since the last level shift (int_forecasts__level_shifts)
       within the last var('forecast_trend_days') days: a least-squares line (regr_slope / regr_intercept)
       when its slope is significant (see trend_tests), its value on the last day of data (day_index 0) being
       the level; otherwise the segment's median and no trend.
    3. Persistence: usage that ran above (below) the line lately tends to stay there for a few days. The
       last day's residual is carried forward, fading as ρ^k, where ρ is the lag-1 autocorrelation of the
       residuals (regr_slope of each residual on the one before, kept within 0–0.95).
    4. Forecast k days after the last day of data = (level + slope × damped steps + ρ^k × last residual)
       × the target weekday's factor, where damped steps = φ + φ² + … + φ^k (φ = var('forecast_trend_damping')):
       the trend fades instead of running on for five weeks. Never below 0.
    5. 80 % interval: the 10th and 90th percentiles of the fit's past residuals (deseasonalized), scaled
       by the weekday factor and widened with the distance from the data, √(1 + k / w) with
       w = var('forecast_interval_widening_days') (28), is the interval's scale; calibrated on past
       out-of-sample errors (int_forecasts__interval_calibration), or, before any are stored, widened by
       var('forecast_interval_fallback_factor') (1.5): in-sample residuals understate errors days ahead.

    Longer than ~200 lines on purpose: steps 2–5 share the segment since the last shift and its residuals, and the
    three unit tests follow a history from the inputs to the point forecast and its interval; its inputs (training
    window, weekday factors, level shifts, calibration) are models of their own already. Moving the fit (steps 2–3)
    into a table model would shorten Spark's analysis of this model (docs/spark.md), at one more level of depth on
    the forecast chains. -#}

{%- set trend_days = var('forecast_trend_days', 56) | int %}
{%- set damping = var('forecast_trend_damping', 0.7) | float %}
{%- set widening_days = var('forecast_interval_widening_days', 28) | int %}
{#- in-sample residuals understate out-of-sample errors: until the calibration has scores, the residual-based
    interval is widened by this factor (the calibrated widths measured 1.2–2.6 times the residual-based ones) #}
{%- set fallback_factor = var('forecast_interval_fallback_factor', 1.5) | float %}
{#- a slope is extrapolated up to 35 days ahead: it needs a segment at least as long as the horizons (five weeks) #}
{%- set trend_min_days = var('forecast_trend_min_days', 35) | int %}
{%- set trend_t = var('forecast_trend_t', 2) | float %}

with

as_of as (
    select * from {{ ref('int_forecasts__as_of') }}
),

training as (
    select * from {{ ref('int_forecasts__training_window') }}
),

seasonal_factors as (
    select * from {{ ref('int_forecasts__weekday_factors') }}
),

level_shifts as (
    select * from {{ ref('int_forecasts__level_shifts') }}
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
    inner join level_shifts
        on training.host_type = level_shifts.host_type
    where
        seasonal_factors.seasonal_factor > 0
        and training.day_index >= level_shifts.shift_day_index
        and training.day_index > {{ -1 * trend_days }}
),

segment_slopes as (
    -- the least-squares line through the segment and the sums its significance test needs: the squared
    -- slope times the spread of the day indexes against the residual variance (a t-statistic squared)
    select
        host_type,
        regr_slope(level_units, day_index) as raw_slope,
        regr_intercept(level_units, day_index) as fitted_level,
        regr_sxx(level_units, day_index) as sxx,
        regr_sxy(level_units, day_index) as sxy,
        regr_syy(level_units, day_index) as syy,
        count(*) as fitted_days
    from deseasonalized
    group by host_type
),

trend_tests as (
    -- a slope is used only when the segment has var('forecast_trend_min_days') (35) days and the slope is
    -- significant: |slope| > var('forecast_trend_t') (2) standard errors, i.e. the explained sum of squares
    -- sxy² / sxx exceeds t² × the residual variance (syy − sxy² / sxx) / (n − 2). Noise alone then rarely
    -- makes a slope that runs on for five weeks; both sides are rounded (stable_round) before the comparison.
    select
        host_type,
        fitted_level,
        fitted_days,
        coalesce(
            fitted_days >= {{ trend_min_days }}
            and sxx > 0
            and {{ stable_round('sxy * sxy / sxx * (fitted_days - 2)', 6) }}
            > {{ stable_round((trend_t * trend_t) ~ ' * (syy - sxy * sxy / sxx)', 6) }},
            false
        ) as has_trend,
        raw_slope
    from segment_slopes
),

trend_fits as (
    -- the level on the last day of data: with a significant trend, the fitted line's value on that day;
    -- otherwise the median of the segment's deseasonalized units (one unusual day does not move it) and
    -- no trend
    select
        trend_tests.host_type,
        case when trend_tests.has_trend then trend_tests.raw_slope else 0 end as trend_slope,
        trend_tests.fitted_days,
        case
            when trend_tests.has_trend then trend_tests.fitted_level
            else {{ percentile_of('deseasonalized.level_units', 0.5) }}
        end as level_at_last_day
    from deseasonalized
    inner join trend_tests
        on deseasonalized.host_type = trend_tests.host_type
    group by
        trend_tests.host_type, trend_tests.has_trend, trend_tests.raw_slope, trend_tests.fitted_days,
        trend_tests.fitted_level
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

segment_spreads as (
    -- a segment whose residuals are all equal once rounded (stable_round) is flat: its spread is exactly 0 on
    -- every engine, where unrounded residuals would leave a spread of a few 1e-13 on one and 0 on another
    select
        host_type,
        case
            when max({{ stable_round('residual', 6) }}) > min({{ stable_round('residual', 6) }})
                then {{ percentile_of('residual', 0.1) }}
            else 0
        end as residual_p10,
        case
            when max({{ stable_round('residual', 6) }}) > min({{ stable_round('residual', 6) }})
                then {{ percentile_of('residual', 0.9) }}
            else 0
        end as residual_p90,
        count(*) as residual_days
    from residuals
    group by host_type
),

residual_spreads as (
    -- a level that is less than a week old has too few residuals: the day-to-day noise of the whole
    -- window (a normal 80 % range) stands in for them
    select
        segment_spreads.host_type,
        case
            when segment_spreads.residual_days >= 7 then segment_spreads.residual_p10
            else -1.2816 * level_shifts.level_sigma
        end as residual_p10,
        case
            when segment_spreads.residual_days >= 7 then segment_spreads.residual_p90
            else 1.2816 * level_shifts.level_sigma
        end as residual_p90
    from segment_spreads
    inner join level_shifts
        on segment_spreads.host_type = level_shifts.host_type
),

lagged_residuals as (
    select
        residuals.host_type,
        residuals.residual,
        {{ stable_round('lag(residuals.residual) over (
            partition by residuals.host_type order by residuals.day_index
        )', 6) }} as rounded_previous_residual,
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
        -- no slope when the previous residuals do not vary (DuckDB's regr_slope is NaN there, Postgres' null)
        case
            when max(rounded_previous_residual) > min(rounded_previous_residual)
                then least(greatest(regr_slope(residual, previous_residual), 0), 0.95)
            else 0
        end as residual_persistence,
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
),

calibration_buckets as (
    select * from {{ ref('int_forecasts__interval_calibration') }}
),

calibration_pooled as (
    select * from {{ ref('int_forecasts__interval_calibration') }}
),

spreads as (
    select
        point_forecasts.*,
        {{ horizon_bucket('point_forecasts.horizon_days') }} as horizon_bucket,
        point_forecasts.seasonal_factor * sqrt(1 + point_forecasts.days_after_data / {{ widening_days }}.0)
            as spread_factor
    from point_forecasts
),

bounds as (
    select
        spreads.host_type,
        spreads.generated_at,
        spreads.target_date,
        spreads.horizon_days,
        spreads.trend_units,
        (spreads.residual_p90 - spreads.residual_p10) * spreads.spread_factor as interval_scale,
        case
            when coalesce(calibration_buckets.n_scores, calibration_pooled.n_scores) is not null
                then
                    spreads.trend_units
                    + coalesce(calibration_buckets.score_p10, calibration_pooled.score_p10)
                    * (spreads.residual_p90 - spreads.residual_p10) * spreads.spread_factor
            else spreads.trend_units + {{ fallback_factor }} * spreads.residual_p10 * spreads.spread_factor
        end as lower_units,
        case
            when coalesce(calibration_buckets.n_scores, calibration_pooled.n_scores) is not null
                then
                    spreads.trend_units
                    + coalesce(calibration_buckets.score_p90, calibration_pooled.score_p90)
                    * (spreads.residual_p90 - spreads.residual_p10) * spreads.spread_factor
            else spreads.trend_units + {{ fallback_factor }} * spreads.residual_p90 * spreads.spread_factor
        end as upper_units
    from spreads
    left join calibration_buckets
        on spreads.horizon_bucket = calibration_buckets.horizon_bucket
    left join calibration_pooled
        on calibration_pooled.horizon_bucket = 'all'
)

{#- the forecast and its bounds are rounded to 1e-6 units (stable_round): deseasonalizing with factors rounded
    to 9 decimals and multiplying back leaves an error of about 1e-7 units, and a zero-width interval of a
    series with an exact weekly pattern (e.g. 155 on weekdays, 136 at weekends) must contain the actual,
    not miss it by that error -#}
select
    'baseline' as forecast_source,
    generated_at,
    host_type,
    target_date,
    horizon_days,
    {{ stable_round('greatest(trend_units, 0)', 6) }} as normalized_units,
    {{ stable_round('greatest(lower_units, 0)', 6) }} as lower_bound,
    {{ stable_round('greatest(upper_units, 0)', 6) }} as upper_bound,
    interval_scale
from bounds
