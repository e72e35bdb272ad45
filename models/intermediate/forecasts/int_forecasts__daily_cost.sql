{#- Daily public on-demand and amortized cost at the finance forecast grain (all payers): day × billing
    period × currency × service × instance family × pricing model. The month-end projection and the
    monthly itemized actuals are built from it. -#}

with

cost_daily as (
    select * from {{ ref('int_cost_daily_allocated') }}
)

select
    usage_date,
    billing_period,
    currency,
    service_code,
    instance_family,
    pricing_model,
    {{ row_key(["'service_family_pricing_model'", 'currency', 'service_code', 'instance_family', 'pricing_model']) }}
        as grain_key,
    sum(public_on_demand_cost) as public_on_demand_cost,
    sum(amortized_cost) as amortized_cost
from cost_daily
group by
    usage_date,
    billing_period,
    currency,
    service_code,
    instance_family,
    pricing_model
