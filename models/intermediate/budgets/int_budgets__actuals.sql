{#- Actual cost per budget × period, through the last day of cost data, in the budget's currency only: the
    usage part of the budget's cost basis and the credits, tax, support and upfront fees it may count, each on
    its own; and, for the open month, the tax and support posted so far and those of the month before (the
    projection adds what is not posted yet). Direct scope reads int_budgets__daily_cost, filtered by the
    budget's team, service and account; showback scope reads int_budgets__showback_cost. -#}

with

periods as (
    select * from {{ ref('int_budgets__periods') }}
),

daily_cost as (
    select * from {{ ref('int_budgets__daily_cost') }}
),

showback_cost as (
    select * from {{ ref('int_budgets__showback_cost') }}
),

direct_lines as (
    select
        periods.budget_period_key,
        daily_cost.billing_period,
        periods.open_month,
        periods.previous_month,
        daily_cost.billing_period >= periods.period_start
        and daily_cost.billing_period < periods.period_end as is_in_period,
        case periods.cost_basis
            when 'amortized' then daily_cost.amortized_usage_cost
            when 'unblended' then daily_cost.unblended_usage_cost
            when 'public_on_demand' then daily_cost.public_on_demand_usage_cost
        end as usage_cost,
        daily_cost.credit_cost,
        daily_cost.tax_cost,
        daily_cost.support_cost,
        case when periods.cost_basis = 'unblended' then daily_cost.upfront_fee_cost else 0 end as upfront_fee_cost
    from periods
    inner join daily_cost
        on
            periods.team = daily_cost.team
            and periods.currency = daily_cost.currency
            and (periods.service_code is null or periods.service_code = daily_cost.service_code)
            and (periods.account_id is null or periods.account_id = daily_cost.account_id)
            and periods.cost_data_through >= daily_cost.usage_date
            and periods.period_end > daily_cost.billing_period
            and daily_cost.billing_period >= least(periods.period_start, periods.previous_month)
    where periods.scope = 'direct'
),

showback_lines as (
    select
        periods.budget_period_key,
        showback_cost.billing_period,
        periods.open_month,
        periods.previous_month,
        showback_cost.billing_period >= periods.period_start
        and showback_cost.billing_period < periods.period_end as is_in_period,
        showback_cost.usage_cost,
        showback_cost.credit_cost,
        showback_cost.tax_cost,
        cast(0 as decimal(38, 10)) as support_cost,
        cast(0 as decimal(38, 10)) as upfront_fee_cost
    from periods
    inner join showback_cost
        on
            periods.team = showback_cost.team
            and periods.currency = showback_cost.currency
            and periods.period_end > showback_cost.billing_period
            and showback_cost.billing_period >= least(periods.period_start, periods.previous_month)
    where periods.scope = 'showback'
),

budget_lines as (
    select * from direct_lines
    union all
    select * from showback_lines
),

summed as (
    select
        budget_period_key,
        sum(case when is_in_period then usage_cost else 0 end) as usage_cost_to_date,
        sum(case when is_in_period then credit_cost else 0 end) as credit_cost_to_date,
        sum(case when is_in_period then tax_cost else 0 end) as tax_cost_to_date,
        sum(case when is_in_period then support_cost else 0 end) as support_cost_to_date,
        sum(case when is_in_period then upfront_fee_cost else 0 end) as upfront_fee_cost_to_date,
        sum(case when billing_period = open_month then usage_cost else 0 end) as open_month_usage_cost,
        sum(case when billing_period = open_month then tax_cost else 0 end) as open_month_tax_cost,
        sum(case when billing_period = open_month then support_cost else 0 end) as open_month_support_cost,
        sum(case when billing_period = previous_month then tax_cost else 0 end) as previous_month_tax_cost,
        sum(case when billing_period = previous_month then support_cost else 0 end) as previous_month_support_cost
    from budget_lines
    group by budget_period_key
)

select
    periods.budget_period_key,
    coalesce(summed.usage_cost_to_date, 0) as usage_cost_to_date,
    coalesce(summed.credit_cost_to_date, 0) as credit_cost_to_date,
    coalesce(summed.tax_cost_to_date, 0) as tax_cost_to_date,
    coalesce(summed.support_cost_to_date, 0) as support_cost_to_date,
    coalesce(summed.upfront_fee_cost_to_date, 0) as upfront_fee_cost_to_date,
    coalesce(summed.open_month_usage_cost, 0) as open_month_usage_cost,
    coalesce(summed.open_month_tax_cost, 0) as open_month_tax_cost,
    coalesce(summed.open_month_support_cost, 0) as open_month_support_cost,
    coalesce(summed.previous_month_tax_cost, 0) as previous_month_tax_cost,
    coalesce(summed.previous_month_support_cost, 0) as previous_month_support_cost
from periods
left join summed
    on periods.budget_period_key = summed.budget_period_key
