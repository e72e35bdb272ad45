{#- Daily cost per team × payer × currency × account × service (and the finance forecast grain: instance
    family and pricing model), split into the parts a budget can count or leave out: the usage part of each
    cost basis (amortized, unblended, public on-demand) without credits, tax, support and upfront fees, and
    those four charges on their own. Teams by today's mapping rules, as in fct_cost_daily. -#}

{%- set support_service_codes = var('support_service_codes') %}

with

cost_daily as (
    select * from {{ ref('int_cost_daily') }}
),

allocation_mapping as (
    select * from {{ ref('int_allocation_mapping') }}
    where mapping_scenario = 'effective'
),

classified as (
    select
        cost_daily.usage_date,
        cost_daily.billing_period,
        cost_daily.payer_account_id,
        cost_daily.currency,
        cost_daily.account_id,
        cost_daily.service_code,
        cost_daily.instance_family,
        cost_daily.pricing_model,
        allocation_mapping.team,
        {%- if support_service_codes %}
            cost_daily.service_code in (
                {%- for service_code in support_service_codes %}
                    '{{ service_code }}'{{ "," if not loop.last }}
                {%- endfor %}
            )
        {%- else %}
            false
        {%- endif %} as is_support,
        cost_daily.amortized_cost,
        cost_daily.unblended_cost,
        cost_daily.on_demand,
        cost_daily.credit,
        cost_daily.tax,
        cost_daily.ri_sp_upfront_fees
    from cost_daily
    inner join allocation_mapping
        on cost_daily.allocation_key = allocation_mapping.allocation_key
),

split as (
    select
        usage_date,
        billing_period,
        payer_account_id,
        currency,
        account_id,
        service_code,
        instance_family,
        pricing_model,
        team,
        case when is_support then 0 else amortized_cost - credit - tax end as amortized_usage_cost,
        case
            when is_support then 0 else unblended_cost - credit - tax - ri_sp_upfront_fees
        end as unblended_usage_cost,
        case when is_support then 0 else on_demand end as public_on_demand_usage_cost,
        credit as credit_cost,
        tax as tax_cost,
        case when is_support then amortized_cost - credit - tax else 0 end as support_cost,
        ri_sp_upfront_fees as upfront_fee_cost
    from classified
)

select
    usage_date,
    billing_period,
    payer_account_id,
    currency,
    account_id,
    service_code,
    instance_family,
    pricing_model,
    team,
    sum(amortized_usage_cost) as amortized_usage_cost,
    sum(unblended_usage_cost) as unblended_usage_cost,
    sum(public_on_demand_usage_cost) as public_on_demand_usage_cost,
    sum(credit_cost) as credit_cost,
    sum(tax_cost) as tax_cost,
    sum(support_cost) as support_cost,
    sum(upfront_fee_cost) as upfront_fee_cost
from split
group by
    usage_date,
    billing_period,
    payer_account_id,
    currency,
    account_id,
    service_code,
    instance_family,
    pricing_model,
    team
