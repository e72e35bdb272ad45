{#- Showback cost per billing period × currency × team (all payers), for budgets of scope showback: the
    amortized cost after the shared layers and support are spread to teams (fct_cost_showback), split into
    credits, tax and the rest (which holds the team's share of support), and the team's usage cost share of the
    period, by which shared amounts not posted yet are spread. -#}

with

showback as (
    select * from {{ ref('int_cost_showback') }}
),

team_amounts as (
    select
        billing_period,
        currency,
        team,
        sum(case when layer not in ('credit', 'tax') then allocated_amount else 0 end) as usage_cost,
        sum(case when layer = 'credit' then allocated_amount else 0 end) as credit_cost,
        sum(case when layer = 'tax' then allocated_amount else 0 end) as tax_cost,
        sum(allocated_amount - allocated_shared_amount) as unshared_cost
    from showback
    group by billing_period, currency, team
),

period_totals as (
    select
        billing_period,
        currency,
        sum(unshared_cost) as total_unshared_cost
    from team_amounts
    group by billing_period, currency
)

select
    team_amounts.billing_period,
    team_amounts.currency,
    team_amounts.team,
    team_amounts.usage_cost,
    team_amounts.credit_cost,
    team_amounts.tax_cost,
    case
        when period_totals.total_unshared_cost <> 0
            then team_amounts.unshared_cost / period_totals.total_unshared_cost
    end as usage_cost_share
from team_amounts
inner join period_totals
    on
        team_amounts.billing_period = period_totals.billing_period
        and team_amounts.currency = period_totals.currency
