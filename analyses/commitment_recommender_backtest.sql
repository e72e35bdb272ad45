{#- Back-test of the reservation purchase recommender (docs: recommendation method).

    Feed the recommender one month and compare what it predicted with what the reservations bought right after
    it actually saved in the following month:

        dbt build --select +path:models/marts/commitments --vars '{commitment_as_of_date: "2026-07-31",
            commitment_lookback_days: 31, commitment_percentile: 0, commitment_ri_payment_option: "Partial Upfront"}'
        dbt compile --select commitment_recommender_backtest --vars '<the same vars>'

    and run the compiled SQL (target/compiled/cloudcost/analyses/commitment_recommender_backtest.sql). The term,
    payment option and offering class vars should be those of the purchase being compared.

    One row per reservation recommendation with reservations of the same commitment group that started in the
    month after the as-of date: the recommended and purchased units per hour, the predicted monthly savings
    (730 hours), and the realized savings of those reservations in that month — public on-demand cost of the usage
    they covered − their amortized cost, used or not — as measured, and scaled to 730 hours of the purchased
    quantity (savings per reserved unit-hour × purchased units per hour × 730).
    savings_error = realized ÷ predicted − 1. -#}

with

as_of as (
    select * from {{ ref('int_commitment_as_of') }}
),

recommendations as (
    select * from {{ ref('fct_commitment_recommendations') }}
    where commitment_type = 'reserved_instance' and recommended_units > 0
),

purchases as (
    select commitments.*
    from {{ ref('dim_commitment') }} as commitments
    cross join as_of
    where
        commitments.commitment_type = 'reserved_instance'
        and commitments.commitment_start_at >= cast(as_of.as_of_date + 1 as timestamp)
        and commitments.commitment_start_at < cast(as_of.as_of_date + 32 as timestamp)
),

realized as (
    select
        purchases.payer_account_id,
        purchases.commitment_group,
        sum(utilization.reserved_units) as reserved_units,
        sum(utilization.used_list_cost) as covered_list_cost,
        sum(utilization.committed_cost) as committed_cost,
        sum(utilization.net_savings) as realized_savings
    from {{ ref('fct_commitment_utilization') }} as utilization
    inner join purchases
        on utilization.commitment_id = purchases.commitment_id
    cross join as_of
    where utilization.billing_period = as_of.as_of_date + 1
    group by purchases.payer_account_id, purchases.commitment_group
),

purchased_units as (
    select
        payer_account_id,
        commitment_group,
        sum(normalized_units_per_hour) as purchased_units_per_hour,
        min(commitment_start_at) as first_purchase_at
    from purchases
    group by payer_account_id, commitment_group
)

select
    recommendations.commitment_group,
    recommendations.as_of_date,
    recommendations.time_granularity,
    recommendations.recommended_units,
    recommendations.recommended_instance_type,
    recommendations.recommended_instances,
    purchased_units.purchased_units_per_hour,
    purchased_units.first_purchase_at,
    recommendations.effective_rate_ratio,
    recommendations.rate_source,
    recommendations.expected_monthly_savings as predicted_monthly_savings,
    realized.realized_savings,
    realized.reserved_units,
    -- savings per reserved unit-hour × units per hour × 730 hours
    realized.realized_savings / nullif(realized.reserved_units, 0) * purchased_units.purchased_units_per_hour
    * {{ hours_per_month() }} as realized_monthly_savings,
    realized.realized_savings / nullif(realized.reserved_units, 0) * purchased_units.purchased_units_per_hour
    * {{ hours_per_month() }} / nullif(recommendations.expected_monthly_savings, 0) - 1 as savings_error
from recommendations
inner join purchased_units
    on
        recommendations.payer_account_id = purchased_units.payer_account_id
        and recommendations.commitment_group = purchased_units.commitment_group
left join realized
    on
        recommendations.payer_account_id = realized.payer_account_id
        and recommendations.commitment_group = realized.commitment_group
