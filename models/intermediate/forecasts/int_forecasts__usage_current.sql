{#- The usage forecasts current as of the generation date, one vintage per source: the latest submitted
    vintage of each source generated on or before the generation date (when var('as_of_date') is set; else
    the latest), and the baseline and naive forecasts computed as of that date. The usage forecast snapshot
    records every change of it; forecast_key (source + grain + target date) is its unique key. -#}

with

{{ current_submitted_vintages(
    ref('stg_forecasts__usage_forecasts'),
    [
        'forecast_source', 'generated_at', 'forecast_grain', 'grain_key', 'host_type', 'team', 'instance_family',
        'region', 'target_date', 'normalized_units', 'lower_bound', 'upper_bound'
    ],
    extra=['cast(null as double precision) as interval_scale']
) }},

computed as (
    select
        baseline.forecast_source,
        baseline.generated_at,
        baseline.host_type,
        baseline.target_date,
        baseline.normalized_units,
        baseline.lower_bound,
        baseline.upper_bound,
        baseline.interval_scale
    from {{ ref('int_forecasts__baseline') }} as baseline
    union all
    select
        naive_usage.forecast_source,
        naive_usage.generated_at,
        naive_usage.host_type,
        naive_usage.target_date,
        naive_usage.normalized_units,
        cast(null as double precision) as lower_bound,
        cast(null as double precision) as upper_bound,
        cast(null as double precision) as interval_scale
    from {{ ref('int_forecasts__naive_usage') }} as naive_usage
),

current_computed as (
    select
        computed.forecast_source,
        computed.generated_at,
        'host_type' as forecast_grain,
        {{ row_key(["'host_type'", 'computed.host_type', 'null', 'null', 'null']) }} as grain_key,
        computed.host_type,
        cast(null as {{ dbt.type_string() }}) as team,
        cast(null as {{ dbt.type_string() }}) as instance_family,
        cast(null as {{ dbt.type_string() }}) as region,
        computed.target_date,
        computed.normalized_units,
        computed.lower_bound,
        computed.upper_bound,
        computed.interval_scale
    from computed
),

current_forecasts as (
    select * from current_submitted
    union all
    select * from current_computed
)

select
    {{ row_key(['forecast_source', 'grain_key', 'target_date']) }} as forecast_key,
    forecast_source,
    generated_at,
    forecast_grain,
    grain_key,
    host_type,
    team,
    instance_family,
    region,
    target_date,
    normalized_units,
    lower_bound,
    upper_bound,
    interval_scale
from current_forecasts
