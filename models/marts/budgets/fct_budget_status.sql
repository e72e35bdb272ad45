{#- Budget status (DESIGN: budgets): per budget × period, in the budget's currency, the actual cost to date on
    the budget's basis and scope with the charges it counts, the projected cost at the period's end, the
    budget, the variance and whether the team is projected over. Rows of budget_id `unbudgeted` show a team's
    spend in a month and currency without any budget (no amount, never over). -#}

with

periods as (
    select * from {{ ref('int_budgets__periods') }}
),

actuals as (
    select * from {{ ref('int_budgets__actuals') }}
),

projection as (
    select * from {{ ref('int_budgets__projection') }}
),

counted as (
    select
        periods.*,
        actuals.usage_cost_to_date,
        case when periods.include_credits then actuals.credit_cost_to_date else 0 end as credit_cost_to_date,
        case when periods.include_tax then actuals.tax_cost_to_date else 0 end as tax_cost_to_date,
        case when periods.include_support then actuals.support_cost_to_date else 0 end as support_cost_to_date,
        case when periods.include_upfront_fees then actuals.upfront_fee_cost_to_date else 0 end
            as upfront_fee_cost_to_date,
        case
            when periods.is_open_period then coalesce(projection.usage_cost_remaining, 0) else 0
        end as projected_usage_cost_remaining,
        case
            when periods.is_open_period and periods.include_tax
                then greatest(0, actuals.previous_month_tax_cost - actuals.open_month_tax_cost)
            else 0
        end as unposted_tax_cost,
        case
            when periods.is_open_period and periods.include_support
                then greatest(0, actuals.previous_month_support_cost - actuals.open_month_support_cost)
            else 0
        end as unposted_support_cost,
        actuals.open_month_usage_cost
        + case when periods.include_tax then actuals.open_month_tax_cost else 0 end
        + case when periods.include_support then actuals.open_month_support_cost else 0 end
            as open_month_recurring_cost,
        case
            when periods.is_open_period
                then (extract(year from periods.period_end) - extract(year from periods.open_month)) * 12
                    + extract(month from periods.period_end) - extract(month from periods.open_month) - 1
            else 0
        end as months_after_open_month
    from periods
    inner join actuals
        on periods.budget_period_key = actuals.budget_period_key
    left join projection
        on periods.budget_period_key = projection.budget_period_key
),

projected as (
    select
        *,
        usage_cost_to_date + credit_cost_to_date + tax_cost_to_date + support_cost_to_date
        + upfront_fee_cost_to_date as actual_cost_to_date,
        open_month_recurring_cost + projected_usage_cost_remaining + unposted_tax_cost + unposted_support_cost
            as open_month_projected_recurring_cost
    from counted
),

final as (
    select
        *,
        actual_cost_to_date
        + projected_usage_cost_remaining
        + unposted_tax_cost
        + unposted_support_cost
        + months_after_open_month * open_month_projected_recurring_cost as projected_cost
    from projected
)

select
    budget_period_key,
    budget_id,
    budget_id <> 'unbudgeted' as is_budgeted,
    team,
    service_code,
    account_id,
    period,
    period_start,
    period_end,
    is_open_period,
    cost_data_through,
    currency,
    cost_basis,
    scope,
    include_credits,
    include_tax,
    include_support,
    include_upfront_fees,
    cast(budget_amount as decimal(38, 10)) as budget_amount,
    cast(usage_cost_to_date as decimal(38, 10)) as usage_cost_to_date,
    cast(credit_cost_to_date as decimal(38, 10)) as credit_cost_to_date,
    cast(tax_cost_to_date as decimal(38, 10)) as tax_cost_to_date,
    cast(support_cost_to_date as decimal(38, 10)) as support_cost_to_date,
    cast(upfront_fee_cost_to_date as decimal(38, 10)) as upfront_fee_cost_to_date,
    cast(actual_cost_to_date as decimal(38, 10)) as actual_cost_to_date,
    cast(projected_usage_cost_remaining as decimal(38, 10)) as projected_usage_cost_remaining,
    cast(unposted_tax_cost as decimal(38, 10)) as unposted_tax_cost,
    cast(unposted_support_cost as decimal(38, 10)) as unposted_support_cost,
    cast(projected_cost as decimal(38, 10)) as projected_cost,
    cast(projected_cost - budget_amount as decimal(38, 10)) as projected_variance,
    cast(actual_cost_to_date - budget_amount as decimal(38, 10)) as actual_variance,
    coalesce(projected_cost > budget_amount, false) as projected_over
from final
