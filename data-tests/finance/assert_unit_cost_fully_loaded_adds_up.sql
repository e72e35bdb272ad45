{#- Money is never lost in the unit-cost spread: per billing period, payer and currency, the fully loaded
    costs of the allocated functional groups add up to the company's amortized and public on-demand cost
    (whenever some group has own cost to spread the shared pool by). -#}

with

loading as (
    select * from {{ ref('int_finance__functional_group_loading') }}
),

groups as (
    select
        billing_period,
        payer_account_id,
        currency,
        sum(marginal_amortized_cost) as marginal_amortized_cost,
        sum(marginal_on_demand_cost) as marginal_on_demand_cost,
        sum(fully_loaded_amortized_cost) as fully_loaded_amortized_cost,
        sum(fully_loaded_on_demand_cost) as fully_loaded_on_demand_cost
    from loading
    where scope = 'functional_group'
    group by billing_period, payer_account_id, currency
),

company as (
    select *
    from loading
    where scope = 'company'
)

select
    company.billing_period,
    company.payer_account_id,
    company.currency,
    company.fully_loaded_amortized_cost as company_amortized_cost,
    groups.fully_loaded_amortized_cost as groups_amortized_cost,
    company.fully_loaded_on_demand_cost as company_on_demand_cost,
    groups.fully_loaded_on_demand_cost as groups_on_demand_cost
from company
inner join groups
    on
        company.billing_period = groups.billing_period
        and company.payer_account_id = groups.payer_account_id
        and company.currency = groups.currency
where
    (
        abs(groups.marginal_amortized_cost) > {{ var('conservation_tolerance') }}
        and abs(groups.fully_loaded_amortized_cost - company.fully_loaded_amortized_cost)
        > {{ var('conservation_tolerance') }}
    )
    or (
        abs(groups.marginal_on_demand_cost) > {{ var('conservation_tolerance') }}
        and abs(groups.fully_loaded_on_demand_cost - company.fully_loaded_on_demand_cost)
        > {{ var('conservation_tolerance') }}
    )
