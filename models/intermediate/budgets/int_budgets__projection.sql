{#- The usage cost still to come in the open month, per open budget period, from the month-end projection
    (int_forecasts__month_end_projection): per finance forecast grain (currency × service × instance family ×
    pricing model), the projected month total minus the cost to date is spread to budgets by their share of
    the grain's usage cost so far this month. Amortized and unblended budgets take the projected amortized
    (net) cost, public on-demand budgets the projected public on-demand cost; showback budgets take their
    team's direct amortized share. Tax and support not posted yet are taken out of the grain's remainder
    (the projection's monthly charges hold them) and added in fct_budget_status per budget. -#}

{%- set grain_key = row_key([
    "'service_family_pricing_model'", 'currency', 'service_code', 'instance_family', 'pricing_model',
]) %}

with

periods as (
    select * from {{ ref('int_budgets__periods') }}
    where is_open_period
),

month_end_projection as (
    select * from {{ ref('int_forecasts__month_end_projection') }}
),

forecast_daily_cost as (
    select forecast_daily_cost.*
    from {{ ref('int_forecasts__daily_cost') }} as forecast_daily_cost
    cross join {{ ref('int_forecasts__as_of') }} as as_of
    where
        forecast_daily_cost.billing_period = as_of.open_month
        and forecast_daily_cost.usage_date <= as_of.cost_data_through
),

open_month_cost as (
    select
        daily_cost.*,
        {{ grain_key }} as grain_key
    from {{ ref('int_budgets__daily_cost') }} as daily_cost
    cross join {{ ref('int_forecasts__as_of') }} as as_of
    where
        daily_cost.billing_period = as_of.open_month
        and daily_cost.usage_date <= as_of.cost_data_through
),

grain_remaining as (
    select
        month_end_projection.grain_key,
        month_end_projection.net_cost - coalesce(sum(forecast_daily_cost.amortized_cost), 0)
            as amortized_cost_remaining,
        month_end_projection.public_on_demand_cost - coalesce(sum(forecast_daily_cost.public_on_demand_cost), 0)
            as public_on_demand_cost_remaining
    from month_end_projection
    left join forecast_daily_cost
        on month_end_projection.grain_key = forecast_daily_cost.grain_key
    group by
        month_end_projection.grain_key,
        month_end_projection.net_cost,
        month_end_projection.public_on_demand_cost
),

previous_month_cost as (
    select
        daily_cost.*,
        {{ grain_key }} as grain_key
    from {{ ref('int_budgets__daily_cost') }} as daily_cost
    cross join {{ ref('int_forecasts__as_of') }} as as_of
    where daily_cost.billing_period = cast(as_of.open_month - interval '1 month' as date)
),

grain_charges as (
    -- tax and support of the grain last month and so far this month: the month-end projection's monthly
    -- charges hold the part not posted yet, which fct_budget_status adds on its own
    select
        grain_key,
        sum(tax_cost + support_cost) as previous_month_charges,
        0 as open_month_charges
    from previous_month_cost
    group by grain_key
    union all
    select
        grain_key,
        0 as previous_month_charges,
        sum(tax_cost + support_cost) as open_month_charges
    from open_month_cost
    group by grain_key
),

grain_unposted_charges as (
    select
        grain_key,
        greatest(0, sum(previous_month_charges) - sum(open_month_charges)) as unposted_charges
    from grain_charges
    group by grain_key
),

grain_usage as (
    select
        grain_key,
        sum(amortized_usage_cost) as amortized_usage_cost,
        sum(unblended_usage_cost) as unblended_usage_cost,
        sum(public_on_demand_usage_cost) as public_on_demand_usage_cost
    from open_month_cost
    group by grain_key
),

budget_grain_usage as (
    select
        periods.budget_period_key,
        periods.cost_basis,
        periods.scope,
        open_month_cost.grain_key,
        sum(
            case
                when periods.scope = 'showback' then open_month_cost.amortized_usage_cost
                when periods.cost_basis = 'amortized' then open_month_cost.amortized_usage_cost
                when periods.cost_basis = 'unblended' then open_month_cost.unblended_usage_cost
                when periods.cost_basis = 'public_on_demand' then open_month_cost.public_on_demand_usage_cost
            end
        ) as usage_cost
    from periods
    inner join open_month_cost
        on
            periods.team = open_month_cost.team
            and periods.currency = open_month_cost.currency
            and (
                periods.scope = 'showback' or periods.service_code is null
                or periods.service_code = open_month_cost.service_code
            )
            and (
                periods.scope = 'showback' or periods.account_id is null
                or periods.account_id = open_month_cost.account_id
            )
    group by
        periods.budget_period_key,
        periods.cost_basis,
        periods.scope,
        open_month_cost.grain_key
),

shares as (
    select
        budget_grain_usage.budget_period_key,
        case
            when budget_grain_usage.scope = 'showback' or budget_grain_usage.cost_basis = 'amortized'
                then budget_grain_usage.usage_cost / nullif(grain_usage.amortized_usage_cost, 0)
            when budget_grain_usage.cost_basis = 'unblended'
                then budget_grain_usage.usage_cost / nullif(grain_usage.unblended_usage_cost, 0)
            else budget_grain_usage.usage_cost / nullif(grain_usage.public_on_demand_usage_cost, 0)
        end as grain_share,
        case
            when budget_grain_usage.cost_basis = 'public_on_demand' and budget_grain_usage.scope = 'direct'
                then grain_remaining.public_on_demand_cost_remaining
            else grain_remaining.amortized_cost_remaining - coalesce(grain_unposted_charges.unposted_charges, 0)
        end as grain_cost_remaining
    from budget_grain_usage
    inner join grain_usage
        on budget_grain_usage.grain_key = grain_usage.grain_key
    inner join grain_remaining
        on budget_grain_usage.grain_key = grain_remaining.grain_key
    left join grain_unposted_charges
        on budget_grain_usage.grain_key = grain_unposted_charges.grain_key
)

select
    periods.budget_period_key,
    coalesce(sum(shares.grain_share * shares.grain_cost_remaining), 0) as usage_cost_remaining
from periods
left join shares
    on periods.budget_period_key = shares.budget_period_key
group by periods.budget_period_key
