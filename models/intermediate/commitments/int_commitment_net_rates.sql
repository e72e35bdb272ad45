{#- Per payer × currency, over the recommender's window: how much the enterprise-wide discounts (EDP, private
    rates, other discounts) take off the cost they apply to. net_to_public_ratio = 1 + those discount layers ÷
    (usage at list + usage and commitment discounts + unused commitments + fees); savings at public on-demand
    rates × this ratio = savings at net rates. 1 when the payer has no such discounts. -#}

with

as_of as (
    select * from {{ ref('int_commitment_as_of') }}
),

cost_daily as (
    select cost_daily.*
    from {{ ref('int_cost_daily') }} as cost_daily
    cross join as_of
    where cost_daily.usage_date between as_of.window_start_date and as_of.as_of_date
),

totals as (
    select
        payer_account_id,
        currency,
        sum(edp_discount + private_rate_discount + other_discount) as enterprise_discounts,
        sum(
            on_demand + negotiated_rate + spot_discount + ri_discount + ri_unused + sp_discount + sp_unused + fee
        ) as discountable_cost
    from cost_daily
    group by payer_account_id, currency
)

select
    payer_account_id,
    currency,
    enterprise_discounts,
    discountable_cost,
    case
        when discountable_cost > 0 then 1 + enterprise_discounts / discountable_cost
        else 1
    end as net_to_public_ratio
from totals
