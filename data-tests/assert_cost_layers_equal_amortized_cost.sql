{#- Σ layers = amortized cost, per billing period × payer × currency, to var('conservation_tolerance').
    Amortized cost is computed here independently, straight from staging, with the CID definition
    (net amortized cost for payers and months in net discount mode). -#}

with

staged_lines as (
    select * from {{ ref('stg_cur__line_items') }}
    where not is_split_cost_child
),

-- read apart from staged_lines: a CTE read twice is materialized whole, two reads of the view only their columns
mode_lines as (
    select
        billing_period,
        payer_account_id,
        line_item_type,
        net_unblended_cost,
        discount
    from {{ ref('stg_cur__line_items') }}
    where not is_split_cost_child
),

discount_modes as (
    select
        billing_period,
        payer_account_id,
        case
            when
                sum(
                    case
                        when line_item_type in (
                                'EdpDiscount', 'PrivateRateDiscount', 'BundledDiscount', 'Discount',
                                'RiVolumeDiscount', 'SppDiscount', 'DistributorDiscount'
                            ) then 1
                        else 0
                    end
                ) > 0
                then 'line'
            when sum(case when net_unblended_cost is not null or discount <> '{}' then 1 else 0 end) > 0
                then 'net'
            else 'line'
        end as discount_mode
    from mode_lines
    group by billing_period, payer_account_id
),

cid_amortized as (
    select
        staged_lines.billing_period,
        staged_lines.payer_account_id,
        staged_lines.currency,
        case
            when staged_lines.line_item_type in ('SavingsPlanNegation', 'SavingsPlanUpfrontFee') then 0
            when staged_lines.line_item_type = 'Fee' and staged_lines.reservation_arn is not null then 0
            when
                staged_lines.line_item_type = 'Refund'
                and staged_lines.service_code like '%SavingsPlans%'
                and staged_lines.line_item_description like 'Refund for one-time fee for Savings Plan ID%'
                then 0
            when staged_lines.line_item_type = 'SavingsPlanRecurringFee'
                then
                    coalesce(staged_lines.savings_plan_total_commitment_to_date, 0)
                    - coalesce(staged_lines.savings_plan_used_commitment, 0)
            when staged_lines.line_item_type = 'SavingsPlanCoveredUsage' and discount_modes.discount_mode = 'net'
                then coalesce(staged_lines.savings_plan_net_effective_cost, staged_lines.savings_plan_effective_cost, 0)
            when staged_lines.line_item_type = 'SavingsPlanCoveredUsage'
                then coalesce(staged_lines.savings_plan_effective_cost, 0)
            when staged_lines.line_item_type = 'DiscountedUsage' and discount_modes.discount_mode = 'net'
                then coalesce(staged_lines.reservation_net_effective_cost, staged_lines.reservation_effective_cost, 0)
            when staged_lines.line_item_type = 'DiscountedUsage'
                then coalesce(staged_lines.reservation_effective_cost, 0)
            when staged_lines.line_item_type = 'RIFee' and discount_modes.discount_mode = 'net'
                then
                    coalesce(
                        staged_lines.reservation_net_unused_amortized_upfront_fee,
                        staged_lines.reservation_unused_amortized_upfront_fee,
                        0
                    )
                    + coalesce(
                        staged_lines.reservation_net_unused_recurring_fee,
                        staged_lines.reservation_unused_recurring_fee,
                        0
                    )
            when staged_lines.line_item_type = 'RIFee'
                then
                    coalesce(staged_lines.reservation_unused_amortized_upfront_fee, 0)
                    + coalesce(staged_lines.reservation_unused_recurring_fee, 0)
            when discount_modes.discount_mode = 'net'
                then coalesce(staged_lines.net_unblended_cost, staged_lines.unblended_cost)
            else staged_lines.unblended_cost
        end as amortized_cost
    from staged_lines
    inner join discount_modes
        on
            staged_lines.billing_period = discount_modes.billing_period
            and staged_lines.payer_account_id = discount_modes.payer_account_id
),

expected as (
    select
        billing_period,
        payer_account_id,
        currency,
        sum(cast(amortized_cost as decimal(38, 10))) as expected_amortized_cost,
        0 as layered_amortized_cost
    from cid_amortized
    group by billing_period, payer_account_id, currency
),

layered as (
    select
        billing_period,
        payer_account_id,
        currency,
        0 as expected_amortized_cost,
        sum(cast(amount as decimal(38, 10))) as layered_amortized_cost
    from {{ ref('fct_cost_layers') }}
    group by billing_period, payer_account_id, currency
),

both_sides as (
    select * from expected
    union all
    select * from layered
),

compared as (
    select
        billing_period,
        payer_account_id,
        currency,
        sum(expected_amortized_cost) as expected_amortized_cost,
        sum(layered_amortized_cost) as layered_amortized_cost
    from both_sides
    group by billing_period, payer_account_id, currency
)

select * from compared
where abs(expected_amortized_cost - layered_amortized_cost) > {{ var('conservation_tolerance') }}
