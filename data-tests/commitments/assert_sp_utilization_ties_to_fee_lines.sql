{#- SP utilization (DESIGN: commitments): per Savings Plan and billing period, the daily commitment adds up to
    the total commitment of its SavingsPlanRecurringFee lines, and the daily used commitment (effective cost of
    the usage it covered) to their used commitment. Failing rows show both sides. -#}

with

fees as (
    select * from {{ ref('int_commitment_fees') }}
    where commitment_type = 'savings_plan'
),

daily as (
    select
        commitment_id,
        billing_period,
        sum(committed_cost) as daily_committed_cost,
        sum(used_cost) as daily_used_cost
    from {{ ref('fct_commitment_utilization') }}
    where commitment_type = 'savings_plan'
    group by commitment_id, billing_period
),

compared as (
    select
        fees.commitment_id,
        fees.billing_period,
        fees.total_commitment as fee_total_commitment,
        coalesce(daily.daily_committed_cost, 0) as daily_committed_cost,
        fees.used_commitment as fee_used_commitment,
        coalesce(daily.daily_used_cost, 0) as daily_used_cost
    from fees
    left join daily
        on fees.commitment_id = daily.commitment_id and fees.billing_period = daily.billing_period
)

select * from compared
where
    abs(fee_total_commitment - daily_committed_cost) > {{ var('commitment_tie_tolerance') }}
    or abs(fee_used_commitment - daily_used_cost) > {{ var('commitment_tie_tolerance') }}
