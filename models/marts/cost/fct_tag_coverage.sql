{#- Tag coverage (DESIGN: dimensions) per billing period × payer × currency × how the team was decided
    (tag, cost_category, account_default, unallocated): the cost and its share of the period's cost. -#}

with

cost_daily as (
    select * from {{ ref('int_cost_daily_allocated') }}
),

by_source as (
    select
        billing_period,
        payer_account_id,
        currency,
        team_source,
        sum(amortized_cost) as amortized_cost,
        sum(public_on_demand_cost) as public_on_demand_cost
    from cost_daily
    group by
        billing_period,
        payer_account_id,
        currency,
        team_source
),

period_totals as (
    select
        billing_period,
        payer_account_id,
        currency,
        sum(amortized_cost) as period_amortized_cost,
        sum(public_on_demand_cost) as period_public_on_demand_cost
    from by_source
    group by
        billing_period,
        payer_account_id,
        currency
)

select
    {{ row_key([
        'by_source.billing_period', 'by_source.payer_account_id', 'by_source.currency', 'by_source.team_source',
    ]) }} as tag_coverage_key,
    by_source.billing_period,
    by_source.payer_account_id,
    by_source.currency,
    by_source.team_source,
    by_source.amortized_cost,
    by_source.public_on_demand_cost,
    case
        when period_totals.period_amortized_cost <> 0
            then by_source.amortized_cost / period_totals.period_amortized_cost
    end as share_of_amortized_cost,
    case
        when period_totals.period_public_on_demand_cost <> 0
            then by_source.public_on_demand_cost / period_totals.period_public_on_demand_cost
    end as share_of_public_on_demand_cost
from by_source
inner join period_totals
    on
        by_source.billing_period = period_totals.billing_period
        and by_source.payer_account_id = period_totals.payer_account_id
        and by_source.currency = period_totals.currency
