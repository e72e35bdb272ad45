{#- Allocation key × currency cost mart for the dashboard's Mappings page: per allocation key (one billing
    period, payer, account, service, usage type, instance family, tag set and cost category set) and currency,
    its amortized cost, the team, host type and functional group it is mapped to, the rule that claimed each
    (empty: no rule) and its resource tags and cost categories (JSON text). The same figures as
    `cloudcost mappings check` reads from the line facts and the mapping tables. -#}

with

cost_lines as (
    select * from {{ ref('int_cost_lines') }}
),

allocation_mapping as (
    select * from {{ ref('int_allocation_mapping') }}
    where mapping_scenario = 'effective'
),

allocation_keys as (
    select distinct
        allocation_key,
        cast(resource_tags as {{ dbt.type_string() }}) as resource_tags,
        cast(cost_category as {{ dbt.type_string() }}) as cost_category
    from {{ ref('int_allocation_keys') }}
),

key_costs as (
    select
        allocation_key,
        billing_period,
        payer_account_id,
        account_id,
        service_code,
        currency,
        cast(sum(amortized_cost) as decimal(38, 10)) as amortized_cost,
        cast(count(*) as bigint) as line_count
    from cost_lines
    group by
        allocation_key,
        billing_period,
        payer_account_id,
        account_id,
        service_code,
        currency
)

select
    {{ row_key(['key_costs.allocation_key', 'key_costs.currency']) }} as allocation_key_monthly_key,
    key_costs.allocation_key,
    key_costs.billing_period,
    key_costs.payer_account_id,
    key_costs.account_id,
    key_costs.service_code,
    key_costs.currency,
    allocation_mapping.team,
    allocation_mapping.host_type,
    allocation_mapping.functional_group,
    allocation_mapping.team_rule_id,
    allocation_mapping.host_type_rule_id,
    allocation_mapping.functional_group_rule_id,
    coalesce(allocation_keys.resource_tags, '{}') as resource_tags,
    coalesce(allocation_keys.cost_category, '{}') as cost_category,
    key_costs.amortized_cost,
    key_costs.line_count
from key_costs
inner join allocation_mapping
    on key_costs.allocation_key = allocation_mapping.allocation_key
left join allocation_keys
    on key_costs.allocation_key = allocation_keys.allocation_key
