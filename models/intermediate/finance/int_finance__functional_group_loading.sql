{#- Fully loaded cost per billing period, payer, currency and functional group (DESIGN: unit cost). The
    shared pool — all cost of `unallocated`, shared layers and support of every group — is spread over the
    allocated functional groups in proportion to their own (marginal) cost in the period, at each basis.
    When no group has own cost the pool is not spread (fully loaded = marginal). The loading factor
    (fully loaded / marginal) turns daily marginal cost into daily fully loaded cost. Amounts within
    var conservation_tolerance of zero count as zero (sums of signed layers leave rounding noise). -#}

{%- set zero_tolerance = var('conservation_tolerance') %}

with

group_costs as (
    select * from {{ ref('int_finance__functional_group_costs') }}
),

monthly as (
    select
        billing_period,
        payer_account_id,
        currency,
        functional_group,
        sum(usage_amortized_cost) as usage_amortized_cost,
        sum(usage_on_demand_cost) as usage_on_demand_cost,
        sum(amortized_cost) as amortized_cost,
        sum(public_on_demand_cost) as public_on_demand_cost
    from group_costs
    group by billing_period, payer_account_id, currency, functional_group
),

period_totals as (
    select
        billing_period,
        payer_account_id,
        currency,
        sum(amortized_cost) as company_amortized_cost,
        sum(public_on_demand_cost) as company_on_demand_cost,
        sum(usage_amortized_cost) as company_usage_amortized_cost,
        sum(usage_on_demand_cost) as company_usage_on_demand_cost,
        sum(case when functional_group <> 'unallocated' then usage_amortized_cost else 0 end)
            as allocated_amortized_cost,
        sum(case when functional_group <> 'unallocated' then usage_on_demand_cost else 0 end)
            as allocated_on_demand_cost
    from monthly
    group by billing_period, payer_account_id, currency
),

shares as (
    select
        monthly.billing_period,
        monthly.payer_account_id,
        monthly.currency,
        monthly.functional_group,
        monthly.usage_amortized_cost as marginal_amortized_cost,
        monthly.usage_on_demand_cost as marginal_on_demand_cost,
        period_totals.company_amortized_cost - period_totals.allocated_amortized_cost as shared_amortized_pool,
        period_totals.company_on_demand_cost - period_totals.allocated_on_demand_cost as shared_on_demand_pool,
        case
            when abs(period_totals.allocated_amortized_cost) > {{ zero_tolerance }}
                then monthly.usage_amortized_cost / period_totals.allocated_amortized_cost
            else 0
        end as amortized_share,
        case
            when abs(period_totals.allocated_on_demand_cost) > {{ zero_tolerance }}
                then monthly.usage_on_demand_cost / period_totals.allocated_on_demand_cost
            else 0
        end as on_demand_share
    from monthly
    inner join period_totals
        on
            monthly.billing_period = period_totals.billing_period
            and monthly.payer_account_id = period_totals.payer_account_id
            and monthly.currency = period_totals.currency
    where monthly.functional_group <> 'unallocated'
),

company as (
    select
        billing_period,
        payer_account_id,
        currency,
        'all' as functional_group,
        'company' as scope,
        company_usage_amortized_cost as marginal_amortized_cost,
        company_usage_on_demand_cost as marginal_on_demand_cost,
        company_amortized_cost as fully_loaded_amortized_cost,
        company_on_demand_cost as fully_loaded_on_demand_cost
    from period_totals
),

loaded_groups as (
    select
        billing_period,
        payer_account_id,
        currency,
        functional_group,
        'functional_group' as scope,
        marginal_amortized_cost,
        marginal_on_demand_cost,
        marginal_amortized_cost + shared_amortized_pool * amortized_share as fully_loaded_amortized_cost,
        marginal_on_demand_cost + shared_on_demand_pool * on_demand_share as fully_loaded_on_demand_cost
    from shares
),

both_scopes as (
    select * from loaded_groups
    union all
    select * from company
),

final as (
    select
        both_scopes.*,
        case
            when
                abs(both_scopes.marginal_amortized_cost) > {{ zero_tolerance }}
                then both_scopes.fully_loaded_amortized_cost / both_scopes.marginal_amortized_cost
            else 1.0
        end as amortized_loading_factor,
        case
            when
                abs(both_scopes.marginal_on_demand_cost) > {{ zero_tolerance }}
                then both_scopes.fully_loaded_on_demand_cost / both_scopes.marginal_on_demand_cost
            else 1.0
        end as on_demand_loading_factor
    from both_scopes
)

select * from final
