{#- The monthly cost forecasts current as of the generation date, one vintage per source: the latest
    submitted finance vintage of each source generated on or before the generation date (when
    var('as_of_date') is set; else the latest), the month-end projection and the naive monthly forecasts.
    The cost forecast snapshot records every change of it; forecast_key (source + grain + month) is its
    unique key. -#}

{%- set columns = [
    'forecast_source', 'generated_at', 'forecast_month', 'grain_key', 'currency', 'service_code',
    'instance_family', 'pricing_model', 'public_on_demand_cost', 'expected_discount_rate', 'net_cost'
] %}

with

{{ current_submitted_vintages(ref('stg_forecasts__finance_forecasts'), columns) }},

computed as (
    select
        {{ 'projection.' ~ columns | join(',\n        projection.') }}
    from {{ ref('int_forecasts__month_end_projection') }} as projection
    union all
    select
        {{ 'naive_cost.' ~ columns | join(',\n        naive_cost.') }}
    from {{ ref('int_forecasts__naive_cost') }} as naive_cost
),

current_forecasts as (
    select * from current_submitted
    union all
    select * from computed
)

select
    {{ row_key(['forecast_source', 'grain_key', 'forecast_month']) }} as forecast_key,
    forecast_source,
    generated_at,
    'service_family_pricing_model' as forecast_grain,
    grain_key,
    forecast_month,
    {{ month_end('forecast_month') }} as target_date,
    currency,
    service_code,
    instance_family,
    pricing_model,
    public_on_demand_cost,
    expected_discount_rate,
    net_cost
from current_forecasts
