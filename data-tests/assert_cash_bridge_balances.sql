{#- amortized cost + RI/SP true-up + RI/SP upfront fees = billed cost, per billing period × payer × currency,
    to the cent (var cash_bridge_tolerance): AWS rounds each line, so it never holds to 1e-6. -#}

select
    billing_period,
    payer_account_id,
    currency,
    discount_mode,
    amortized_cost,
    ri_sp_trueup,
    ri_sp_upfront_fees,
    bridged_cost,
    billed_cost,
    bridge_difference
from {{ ref('fct_cash_bridge') }}
where abs(bridge_difference) > {{ var('cash_bridge_tolerance') }}
