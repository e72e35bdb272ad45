{#- The naive monthly cost forecasts finance sources are compared with, per currency × service × instance
    family × pricing model, for the open month (the month of the generation date) and the month after:
    - `naive_last_value`: the last complete month of data, repeated.
    - `naive_seasonal`: the same month a year earlier (only once a year of data exists). -#}

with

as_of as (
    select * from {{ ref('int_forecasts__as_of') }}
),

monthly_cost as (
    select
        daily_cost.billing_period as cost_month,
        daily_cost.grain_key,
        max(daily_cost.currency) as currency,
        max(daily_cost.service_code) as service_code,
        max(daily_cost.instance_family) as instance_family,
        max(daily_cost.pricing_model) as pricing_model,
        sum(daily_cost.public_on_demand_cost) as public_on_demand_cost,
        sum(daily_cost.amortized_cost) as net_cost
    from {{ ref('int_forecasts__daily_cost') }} as daily_cost
    cross join as_of
    where daily_cost.usage_date <= as_of.cost_data_through
    group by daily_cost.billing_period, daily_cost.grain_key
),

complete_months as (
    select monthly_cost.*
    from monthly_cost
    cross join as_of
    where {{ month_end('monthly_cost.cost_month') }} <= as_of.cost_data_through
),

last_complete_month as (
    select max(cost_month) as cost_month from complete_months
),

target_months as (
    select as_of.open_month as forecast_month
    from as_of
    union all
    select {{ month_start(add_days(month_end('as_of.open_month'), 1)) }} as forecast_month
    from as_of
),

last_value as (
    select
        'naive_last_value' as forecast_source,
        target_months.forecast_month,
        complete_months.grain_key,
        complete_months.currency,
        complete_months.service_code,
        complete_months.instance_family,
        complete_months.pricing_model,
        complete_months.public_on_demand_cost,
        complete_months.net_cost
    from complete_months
    inner join last_complete_month
        on complete_months.cost_month = last_complete_month.cost_month
    cross join target_months
),

seasonal as (
    select
        'naive_seasonal' as forecast_source,
        target_months.forecast_month,
        complete_months.grain_key,
        complete_months.currency,
        complete_months.service_code,
        complete_months.instance_family,
        complete_months.pricing_model,
        complete_months.public_on_demand_cost,
        complete_months.net_cost
    from target_months
    inner join complete_months
        on complete_months.cost_month = cast(target_months.forecast_month - interval '1 year' as date)
),

naive as (
    select * from last_value
    union all
    select * from seasonal
)

select
    naive.forecast_source,
    as_of.generated_at,
    naive.forecast_month,
    naive.grain_key,
    naive.currency,
    naive.service_code,
    naive.instance_family,
    naive.pricing_model,
    naive.public_on_demand_cost,
    case
        when naive.public_on_demand_cost <> 0 then 1 - naive.net_cost / naive.public_on_demand_cost
    end as expected_discount_rate,
    naive.net_cost
from naive
cross join as_of
