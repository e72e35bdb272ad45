{#- Every budget period to report, one row per budget × period: the budget version in force in the period
    (the latest valid_from among the versions whose window overlaps it), for every month or calendar quarter
    from the first month of cost data to the open month. Teams with spend in a month and currency but no budget
    of that team and currency in force get a row of their own (budget_id `unbudgeted`, amortized, direct, every
    charge counted, no amount), so unbudgeted spend is shown, never dropped. -#}

with

as_of as (
    select * from {{ ref('int_forecasts__as_of') }}
),

budgets as (
    select * from {{ ref('budgets') }}
),

daily_cost as (
    select * from {{ ref('int_budgets__daily_cost') }}
),

months as (
    select distinct daily_cost.billing_period as month_start
    from daily_cost
    cross join as_of
    where daily_cost.billing_period <= as_of.open_month
),

candidate_periods as (
    select distinct
        'monthly' as period,
        month_start as period_start,
        cast(month_start + interval '1 month' as date) as period_end
    from months
    union all
    select distinct
        'quarterly' as period,
        cast(date_trunc('quarter', month_start) as date) as period_start,
        cast(date_trunc('quarter', month_start) + interval '3 month' as date) as period_end
    from months
),

overlapping as (
    select
        budgets.budget_id,
        budgets.team,
        budgets.service_code,
        budgets.account_id,
        budgets.period,
        budgets.currency,
        cast(budgets.amount as decimal(38, 10)) as budget_amount,
        budgets.cost_basis,
        budgets.scope,
        budgets.include_credits,
        budgets.include_tax,
        budgets.include_support,
        budgets.include_upfront_fees,
        budgets.valid_from,
        candidate_periods.period_start,
        candidate_periods.period_end,
        row_number() over (
            partition by budgets.budget_id, candidate_periods.period_start
            order by budgets.valid_from desc
        ) as version_rank
    from budgets
    inner join candidate_periods
        on
            budgets.period = candidate_periods.period
            and budgets.valid_from < candidate_periods.period_end
            and (budgets.valid_to is null or budgets.valid_to > candidate_periods.period_start)
),

budgeted as (
    select
        budget_id,
        team,
        nullif(service_code, '') as service_code,
        nullif(account_id, '') as account_id,
        period,
        currency,
        budget_amount,
        cost_basis,
        scope,
        include_credits,
        include_tax,
        include_support,
        include_upfront_fees,
        period_start,
        period_end
    from overlapping
    where version_rank = 1
),

team_months as (
    select distinct
        daily_cost.team,
        daily_cost.currency,
        daily_cost.billing_period as period_start
    from daily_cost
    inner join months
        on daily_cost.billing_period = months.month_start
),

budgeted_team_months as (
    select distinct
        team_months.team,
        team_months.currency,
        team_months.period_start
    from team_months
    inner join budgeted
        on
            team_months.team = budgeted.team
            and team_months.currency = budgeted.currency
            and team_months.period_start >= budgeted.period_start
            and team_months.period_start < budgeted.period_end
),

unbudgeted as (
    select
        'unbudgeted' as budget_id,
        team_months.team,
        cast(null as {{ dbt.type_string() }}) as service_code,
        cast(null as {{ dbt.type_string() }}) as account_id,
        'monthly' as period,
        team_months.currency,
        cast(null as decimal(38, 10)) as budget_amount,
        'amortized' as cost_basis,
        'direct' as scope,
        true as include_credits,
        true as include_tax,
        true as include_support,
        true as include_upfront_fees,
        team_months.period_start,
        cast(team_months.period_start + interval '1 month' as date) as period_end
    from team_months
    left join budgeted_team_months
        on
            team_months.team = budgeted_team_months.team
            and team_months.currency = budgeted_team_months.currency
            and team_months.period_start = budgeted_team_months.period_start
    where budgeted_team_months.team is null
),

all_periods as (
    select * from budgeted
    union all
    select * from unbudgeted
)

select
    {{ row_key(['budget_id', 'team', 'currency', 'period_start']) }} as budget_period_key,
    all_periods.*,
    as_of.open_month,
    cast(as_of.open_month - interval '1 month' as date) as previous_month,
    as_of.cost_data_through,
    all_periods.period_start <= as_of.open_month and all_periods.period_end > as_of.open_month as is_open_period
from all_periods
cross join as_of
