{#- Submitted monthly cost forecasts (DESIGN: forecasts): every vintage loaded by `cloudcost load-forecasts`
    plus the repository's seed, one row per source, generation time, month, service, instance family and
    pricing model. A month's figure is known on its last day, which is the row's target date. -#}

{%- set loaded_relation = existing_relation(source('forecasts', 'raw_finance_forecasts')) %}

with

loaded as (
    {%- if loaded_relation is not none %}
    select
        raw_finance_forecasts.forecast_source,
        raw_finance_forecasts.generated_at,
        raw_finance_forecasts.forecast_month,
        raw_finance_forecasts.service_code,
        raw_finance_forecasts.instance_family,
        raw_finance_forecasts.pricing_model,
        raw_finance_forecasts.currency,
        raw_finance_forecasts.public_on_demand_cost,
        raw_finance_forecasts.expected_discount_rate,
        raw_finance_forecasts.net_cost,
        'load' as submitted_via,
        raw_finance_forecasts.source_file,
        raw_finance_forecasts.loaded_at
    from {{ source('forecasts', 'raw_finance_forecasts') }} as raw_finance_forecasts
    {%- else %}
        {#- not loaded yet: an empty set with the raw table's columns #}
        select
            cast(null as {{ dbt.type_string() }}) as forecast_source,
            cast(null as timestamp) as generated_at,
            cast(null as date) as forecast_month,
            cast(null as {{ dbt.type_string() }}) as service_code,
            cast(null as {{ dbt.type_string() }}) as instance_family,
            cast(null as {{ dbt.type_string() }}) as pricing_model,
            cast(null as {{ dbt.type_string() }}) as currency,
            cast(null as double precision) as public_on_demand_cost,
            cast(null as double precision) as expected_discount_rate,
            cast(null as double precision) as net_cost,
            'load' as submitted_via,
            cast(null as {{ dbt.type_string() }}) as source_file,
            cast(null as timestamp) as loaded_at
        where 1 = 0
    {%- endif %}
),

from_repository as (
    select
        finance_forecasts.source as forecast_source,
        finance_forecasts.generated_at,
        finance_forecasts.month as forecast_month,
        finance_forecasts.service_code,
        finance_forecasts.instance_family,
        finance_forecasts.pricing_model,
        finance_forecasts.currency,
        finance_forecasts.public_on_demand_cost,
        finance_forecasts.expected_discount_rate,
        finance_forecasts.net_cost,
        'seed' as submitted_via,
        'seeds/forecasts/finance_forecasts.csv' as source_file,
        cast(null as timestamp) as loaded_at
    from {{ ref('finance_forecasts') }} as finance_forecasts
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
        {{ month_start('forecast_month') }} as forecast_month,
        nullif(trim(service_code), '') as service_code,
        nullif(trim(instance_family), '') as instance_family,
        nullif(trim(pricing_model), '') as pricing_model,
        coalesce(nullif(upper(trim(currency)), ''), 'USD') as currency,
        cast(public_on_demand_cost as double precision) as public_on_demand_cost,
        cast(expected_discount_rate as double precision) as expected_discount_rate,
        cast(net_cost as double precision) as net_cost,
        submitted_via,
        source_file,
        loaded_at
    from submitted
),

with_target as (
    select
        cleaned.*,
        cast(cleaned.generated_at as date) as generation_date,
        {{ month_end('cleaned.forecast_month') }} as target_date
    from cleaned
)

select
    {{ row_key([
        'forecast_source', 'generated_at', 'forecast_month', 'currency', 'service_code', 'instance_family',
        'pricing_model',
    ]) }} as finance_forecast_row_key,
    {{ row_key(["'service_family_pricing_model'", 'currency', 'service_code', 'instance_family', 'pricing_model']) }}
        as grain_key,
    forecast_source,
    generated_at,
    generation_date,
    'service_family_pricing_model' as forecast_grain,
    forecast_month,
    target_date,
    {{ days_between('generation_date', 'target_date') }} as horizon_days,
    currency,
    service_code,
    instance_family,
    pricing_model,
    public_on_demand_cost,
    expected_discount_rate,
    net_cost,
    submitted_via,
    source_file,
    loaded_at
from with_target
