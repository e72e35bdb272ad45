{#- Finance's monthly cost forecasts (and every other monthly cost source) against the itemized actuals per
    vintage × month × currency × service × instance family (pricing models summed): public on-demand cost,
    net (amortized) cost and the discount rate, expected vs realized, and the differences. Months the data
    does not fully hold yet have is_complete false (their actuals are to date). -#}

with

vintages as (
    select * from {{ ref('int_forecasts__vintages') }}
    where forecast_kind = 'cost'
),

actuals as (
    select * from {{ ref('int_forecasts__itemized_actuals') }}
    where actual_kind = 'cost'
),

forecast_families as (
    select
        forecast_source,
        generated_at,
        forecast_month,
        horizon_days,
        horizon_bucket,
        currency,
        service_code,
        instance_family,
        sum(public_on_demand_cost) as forecast_public_on_demand_cost,
        sum(net_cost) as forecast_net_cost
    from vintages
    group by
        forecast_source,
        generated_at,
        forecast_month,
        horizon_days,
        horizon_bucket,
        currency,
        service_code,
        instance_family
),

actual_families as (
    select
        actual_month,
        currency,
        service_code,
        instance_family,
        bool_and(is_complete) as is_complete,
        sum(public_on_demand_cost) as actual_public_on_demand_cost,
        sum(amortized_cost) as actual_amortized_cost
    from actuals
    group by
        actual_month,
        currency,
        service_code,
        instance_family
),

compared as (
    select
        forecast_families.*,
        actual_families.is_complete,
        actual_families.actual_public_on_demand_cost,
        actual_families.actual_amortized_cost,
        case
            when forecast_families.forecast_public_on_demand_cost <> 0
                then 1 - forecast_families.forecast_net_cost / forecast_families.forecast_public_on_demand_cost
        end as expected_discount_rate,
        case
            when actual_families.actual_public_on_demand_cost <> 0
                then 1 - actual_families.actual_amortized_cost / actual_families.actual_public_on_demand_cost
        end as realized_discount_rate
    from forecast_families
    left join actual_families
        on
            forecast_families.forecast_month = actual_families.actual_month
            and forecast_families.currency = actual_families.currency
            and forecast_families.service_code = actual_families.service_code
            and coalesce(forecast_families.instance_family, '') = coalesce(actual_families.instance_family, '')
)

select
    {{ row_key([
        'forecast_source', 'generated_at', 'forecast_month', 'currency', 'service_code', 'instance_family',
    ]) }} as finance_forecast_comparison_key,
    forecast_source,
    generated_at,
    forecast_month,
    horizon_days,
    horizon_bucket,
    cast(null as {{ dbt.type_string() }}) as payer_account_id,
    currency,
    service_code,
    instance_family,
    coalesce(is_complete, false) as is_complete,
    forecast_public_on_demand_cost,
    actual_public_on_demand_cost,
    actual_public_on_demand_cost - forecast_public_on_demand_cost as public_on_demand_cost_difference,
    forecast_net_cost,
    actual_amortized_cost,
    actual_amortized_cost - forecast_net_cost as net_cost_difference,
    expected_discount_rate,
    realized_discount_rate,
    realized_discount_rate - expected_discount_rate as discount_rate_difference
from compared
