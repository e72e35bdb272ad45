{#- Cash bridge per billing period × payer × currency (DESIGN: cost layers): amortized cost + RI/SP true-up +
    RI/SP upfront fees = billed cost (Σ unblended, or Σ net unblended in net discount mode), to the cent. -#}

with

cost_daily as (
    select * from {{ ref('int_cost_daily') }}
),

bridged as (
    select
        billing_period,
        payer_account_id,
        currency,
        max(discount_mode) as discount_mode,
        sum(on_demand) as public_on_demand_cost,
        sum(amortized_cost) as amortized_cost,
        sum(ri_sp_trueup) as ri_sp_trueup,
        sum(ri_sp_upfront_fees) as ri_sp_upfront_fees,
        sum(amortized_cost) + sum(ri_sp_trueup) + sum(ri_sp_upfront_fees) as bridged_cost,
        sum(billed_cost) as billed_cost,
        sum(unblended_cost) as unblended_cost,
        sum(net_unblended_cost) as net_unblended_cost
    from cost_daily
    group by
        billing_period,
        payer_account_id,
        currency
)

select
    {{ row_key(['billing_period', 'payer_account_id', 'currency']) }} as cash_bridge_key,
    billing_period,
    payer_account_id,
    currency,
    discount_mode,
    public_on_demand_cost,
    amortized_cost,
    ri_sp_trueup,
    ri_sp_upfront_fees,
    bridged_cost,
    billed_cost,
    unblended_cost,
    net_unblended_cost,
    bridged_cost - billed_cost as bridge_difference,
    abs(bridged_cost - billed_cost) <= {{ var('cash_bridge_tolerance') }} as is_balanced
from bridged
