{#- Money is not lost between the cost layers and the utilization mart: per billing period, payer and currency
    whose data is complete, the unused cost of all commitments equals the ri_unused + sp_unused layers of their
    fee lines (to the cent). Failing rows show both sides. -#}

with

complete_periods as (
    select distinct
        billing_period,
        payer_account_id
    from {{ ref('int_commitment_fees') }}
    where is_period_complete
),

utilization as (
    select
        billing_period,
        payer_account_id,
        currency,
        sum(unused_cost) as unused_cost
    from {{ ref('fct_commitment_utilization') }}
    group by billing_period, payer_account_id, currency
),

layers as (
    select
        billing_period,
        payer_account_id,
        currency,
        sum(ri_unused + sp_unused) as unused_layers
    from {{ ref('int_cost_lines') }}
    where line_item_type in ('RIFee', 'SavingsPlanRecurringFee')
    group by billing_period, payer_account_id, currency
),

compared as (
    select
        complete_periods.billing_period,
        complete_periods.payer_account_id,
        coalesce(utilization.currency, layers.currency) as currency,
        coalesce(utilization.unused_cost, 0) as utilization_unused_cost,
        coalesce(layers.unused_layers, 0) as unused_layers
    from complete_periods
    left join utilization
        on
            complete_periods.billing_period = utilization.billing_period
            and complete_periods.payer_account_id = utilization.payer_account_id
    left join layers
        on
            complete_periods.billing_period = layers.billing_period
            and complete_periods.payer_account_id = layers.payer_account_id
)

select * from compared
where abs(utilization_unused_cost - unused_layers) > {{ var('cash_bridge_tolerance') }}
