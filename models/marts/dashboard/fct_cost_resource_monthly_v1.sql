{#- Resource × month cost mart for the dashboard's drill-down: per billing period × payer × account × currency ×
    service × usage type × resource id × region × pricing model × team × host type × functional group, the
    public on-demand, amortized and billed cost. Lines without a resource id keep an empty resource id, so the
    mart holds every dollar of fct_cost_daily. -#}

{%- set grain = [
    'billing_period', 'payer_account_id', 'account_id', 'currency', 'service_code', 'usage_type',
    'resource_id', 'region', 'pricing_model', 'team', 'host_type', 'functional_group'
] %}

with

cost_lines as (
    select * from {{ ref('int_cost_lines') }}
),

allocation_mapping as (
    select * from {{ ref('int_allocation_mapping') }}
    where mapping_scenario = 'effective'
),

mapped as (
    select
        cost_lines.billing_period,
        cost_lines.payer_account_id,
        cost_lines.account_id,
        cost_lines.currency,
        cost_lines.service_code,
        coalesce(cost_lines.usage_type, '') as usage_type,
        coalesce(cost_lines.resource_id, '') as resource_id,
        cost_lines.region,
        cost_lines.pricing_model,
        allocation_mapping.team,
        allocation_mapping.host_type,
        allocation_mapping.functional_group,
        cost_lines.on_demand as public_on_demand_cost,
        cost_lines.amortized_cost,
        cost_lines.billed_cost
    from cost_lines
    inner join allocation_mapping
        on cost_lines.allocation_key = allocation_mapping.allocation_key
),

summed as (
    select
        {%- for column in grain %}
            {{ column }},
        {%- endfor %}
        cast(sum(public_on_demand_cost) as decimal(38, 10)) as public_on_demand_cost,
        cast(sum(amortized_cost) as decimal(38, 10)) as amortized_cost,
        cast(sum(billed_cost) as decimal(38, 10)) as billed_cost,
        cast(count(*) as bigint) as line_count
    from mapped
    group by {{ grain | join(', ') }}
)

select
    {{ row_key(grain) }} as cost_resource_monthly_key,
    {%- for column in grain %}
        {{ column }},
    {%- endfor %}
    public_on_demand_cost,
    amortized_cost,
    billed_cost,
    line_count
from summed
