{#- Conformal calibration of the baseline's 80 % interval, per horizon bucket, from its own stored vintages:
    every past baseline point whose actual is now known (vintages generated before the generation date,
    targets up to the last day of data) gives a score = (actual − forecast) / interval_scale, the width of the
    residual-based interval that vintage had. The 10th and 90th percentiles of the scores of a bucket, times
    today's residual-based width, make today's interval. Points of series that had no spread (scale 0) carry
    no information about widths and are left out. A bucket is calibrated once it holds
    var('forecast_calibration_min_points') (40) scores; until then it takes the quantiles of the scores of all
    buckets pooled (row `all`), once they are that many, and before that the baseline keeps the residual-based
    widths. -#}

{%- set history = existing_relation(source('forecast_history', 'snp_usage_forecasts')) %}
{%- set has_scale = false %}
{%- if history is not none %}
    {%- set has_scale = 'interval_scale' in (adapter.get_columns_in_relation(history) | map(attribute='name') | map('lower') | list) %}
{%- endif %}
{%- set min_points = var('forecast_calibration_min_points', 40) | int %}

with

as_of as (
    select * from {{ ref('int_forecasts__as_of') }}
),

actuals as (
    select * from {{ ref('int_forecasts__host_type_daily_units') }}
),

past_points as (
    {%- if has_scale %}
    select
        {{ horizon_bucket(days_between('cast(history.generated_at as date)', 'history.target_date')) }}
            as horizon_bucket,
        (actuals.normalized_units - history.normalized_units) / history.interval_scale as score
    from {{ source('forecast_history', 'snp_usage_forecasts') }} as history
    cross join as_of
    inner join actuals
        on
            history.host_type = actuals.host_type
            and history.target_date = actuals.usage_date
    where
        history.forecast_source = 'baseline'
        and history.forecast_grain = 'host_type'
        and history.interval_scale > 0
        and history.generated_at < as_of.generated_at
        and history.target_date <= as_of.usage_data_through
    {%- else %}
        {#- no stored vintages yet: nothing to calibrate on (an empty set, read from the same inputs) #}
        select
            cast(null as {{ dbt.type_string() }}) as horizon_bucket,
            cast(actuals.normalized_units as double precision) as score
        from actuals
        cross join as_of
        where 1 = 0
    {%- endif %}
),

per_bucket as (
    select
        horizon_bucket,
        cast(count(*) as bigint) as n_scores,
        {{ percentile_of('score', 0.1) }} as score_p10,
        {{ percentile_of('score', 0.9) }} as score_p90
    from past_points
    group by horizon_bucket
    having count(*) >= {{ min_points }}
),

pooled as (
    -- every bucket's scores together, for the buckets that have too few of their own yet (the longer
    -- horizons, whose targets take weeks to be known): the scores are relative to each vintage's own
    -- width, which already grows with the distance from the data
    select
        'all' as horizon_bucket,
        cast(count(*) as bigint) as n_scores,
        {{ percentile_of('score', 0.1) }} as score_p10,
        {{ percentile_of('score', 0.9) }} as score_p90
    from past_points
    having count(*) >= {{ min_points }}
)

select * from per_bucket
union all
select * from pooled
