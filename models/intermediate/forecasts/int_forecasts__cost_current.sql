{#- The monthly cost forecasts current as of the generation date, one vintage per source: the latest
    submitted finance vintage of each source generated on or before the generation date (when
    var('as_of_date') is set; else the latest), the month-end projection and the naive monthly forecasts.
    The cost forecast snapshot records every change of it; forecast_key (source + grain + month) is its
    unique key. -#}

{%- set as_of = date_var('as_of_date') %}

with

submitted as (
    select * from {{ ref('stg_forecasts__finance_forecasts') }}
    {%- if as_of %}
    where generated_at < cast({{ add_days("cast('" ~ as_of ~ "' as date)", 1) }} as timestamp)
    {%- endif %}
),

latest_vintages as (
    select
        forecast_source,
        max(generated_at) as generated_at
    from submitted
    group by forecast_source
),

current_submitted as (
    select
        submitted.forecast_source,
        submitted.generated_at,
        submitted.forecast_month,
        submitted.grain_key,
        submitted.currency,
        submitted.service_code,
        submitted.instance_family,
        submitted.pricing_model,
        submitted.public_on_demand_cost,
        submitted.expected_discount_rate,
        submitted.net_cost
    from submitted
    inner join latest_vintages
        on
            submitted.forecast_source = latest_vintages.forecast_source
            and submitted.generated_at = latest_vintages.generated_at
),

computed as (
    select
        projection.forecast_source,
        projection.generated_at,
        projection.forecast_month,
        projection.grain_key,
        projection.currency,
        projection.service_code,
        projection.instance_family,
        projection.pricing_model,
        projection.public_on_demand_cost,
        projection.expected_discount_rate,
        projection.net_cost
    from {{ ref('int_forecasts__month_end_projection') }} as projection
    union all
    select
        naive_cost.forecast_source,
        naive_cost.generated_at,
        naive_cost.forecast_month,
        naive_cost.grain_key,
        naive_cost.currency,
        naive_cost.service_code,
        naive_cost.instance_family,
        naive_cost.pricing_model,
        naive_cost.public_on_demand_cost,
        naive_cost.expected_discount_rate,
        naive_cost.net_cost
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
