{#- Submitted usage forecasts (DESIGN: forecasts): every vintage loaded by `cloudcost load-forecasts` plus
    the repository's seed, one row per source, generation time, grain and target date. Empty optional keys
    become NULL (NULL = every team / family / region); the grain says which keys the row names. -#}

{%- set loaded_relation = existing_relation(source('forecasts', 'raw_usage_forecasts')) %}

with

loaded as (
    {%- if loaded_relation is not none %}
    select
        raw_usage_forecasts.forecast_source,
        raw_usage_forecasts.generated_at,
        raw_usage_forecasts.host_type,
        raw_usage_forecasts.team,
        raw_usage_forecasts.instance_family,
        raw_usage_forecasts.region,
        raw_usage_forecasts.target_date,
        raw_usage_forecasts.normalized_units,
        raw_usage_forecasts.lower_bound,
        raw_usage_forecasts.upper_bound,
        'load' as submitted_via,
        raw_usage_forecasts.source_file,
        raw_usage_forecasts.loaded_at
    from {{ source('forecasts', 'raw_usage_forecasts') }} as raw_usage_forecasts
    {%- else %}
        {#- not loaded yet: an empty set with the raw table's columns #}
        select
            cast(null as {{ dbt.type_string() }}) as forecast_source,
            cast(null as timestamp) as generated_at,
            cast(null as {{ dbt.type_string() }}) as host_type,
            cast(null as {{ dbt.type_string() }}) as team,
            cast(null as {{ dbt.type_string() }}) as instance_family,
            cast(null as {{ dbt.type_string() }}) as region,
            cast(null as date) as target_date,
            cast(null as double precision) as normalized_units,
            cast(null as double precision) as lower_bound,
            cast(null as double precision) as upper_bound,
            'load' as submitted_via,
            cast(null as {{ dbt.type_string() }}) as source_file,
            cast(null as timestamp) as loaded_at
        where 1 = 0
    {%- endif %}
),

from_repository as (
    select
        usage_forecasts.source as forecast_source,
        usage_forecasts.generated_at,
        usage_forecasts.host_type,
        usage_forecasts.team,
        usage_forecasts.instance_family,
        usage_forecasts.region,
        usage_forecasts.target_date,
        usage_forecasts.normalized_units,
        usage_forecasts.lower_bound,
        usage_forecasts.upper_bound,
        'seed' as submitted_via,
        'seeds/forecasts/usage_forecasts.csv' as source_file,
        cast(null as timestamp) as loaded_at
    from {{ ref('usage_forecasts') }} as usage_forecasts
),

submitted as (
    select * from loaded
    union all
    select * from from_repository
),

cleaned as (
    select
        lower(trim(forecast_source)) as forecast_source,
        cast(generated_at as timestamp) as generated_at,
        nullif(trim(host_type), '') as host_type,
        nullif(trim(team), '') as team,
        nullif(trim(instance_family), '') as instance_family,
        nullif(trim(region), '') as region,
        cast(target_date as date) as target_date,
        cast(normalized_units as double precision) as normalized_units,
        cast(lower_bound as double precision) as lower_bound,
        cast(upper_bound as double precision) as upper_bound,
        submitted_via,
        source_file,
        loaded_at
    from submitted
),

with_grain as (
    select
        cleaned.*,
        cast(cleaned.generated_at as date) as generation_date,
        {{ usage_forecast_grain('cleaned.team', 'cleaned.instance_family', 'cleaned.region') }} as forecast_grain
    from cleaned
)

select
    {{ row_key([
        'forecast_source', 'generated_at', 'forecast_grain', 'host_type', 'team', 'instance_family', 'region',
        'target_date',
    ]) }} as usage_forecast_row_key,
    {{ row_key(['forecast_grain', 'host_type', 'team', 'instance_family', 'region']) }} as grain_key,
    forecast_source,
    generated_at,
    generation_date,
    forecast_grain,
    host_type,
    team,
    instance_family,
    region,
    target_date,
    {{ days_between('generation_date', 'target_date') }} as horizon_days,
    normalized_units,
    lower_bound,
    upper_bound,
    submitted_via,
    source_file,
    loaded_at
from with_grain
