{#- Instance usage in xlarge-normalized units (DESIGN: normalized units) per day × billing period × payer ×
    account × currency × service × region × instance type × pricing model × source of the factor × team ×
    host type × functional group, with the public on-demand and amortized cost of the same usage. -#}

{%- set grain = [
    'usage_date', 'billing_period', 'payer_account_id', 'account_id', 'currency', 'service_code',
    'region', 'instance_type', 'instance_family', 'pricing_model', 'nu_source', 'team',
    'host_type', 'functional_group'
] %}

with

normalized_usage as (
    select * from {{ ref('int_normalized_usage') }}
),

allocation_mapping as (
    select * from {{ ref('int_allocation_mapping') }}
    where mapping_scenario = 'effective'
),

mapped as (
    select
        normalized_usage.*,
        allocation_mapping.team,
        allocation_mapping.host_type,
        allocation_mapping.functional_group
    from normalized_usage
    inner join allocation_mapping
        on normalized_usage.allocation_key = allocation_mapping.allocation_key
),

summed as (
    select
        {%- for column in grain %}
            {{ column }},
        {%- endfor %}
        sum(usage_hours) as usage_hours,
        sum(normalized_units) as normalized_units,
        sum(public_on_demand_cost) as public_on_demand_cost,
        sum(amortized_cost) as amortized_cost,
        cast(count(*) as bigint) as line_count
    from mapped
    group by {{ grain | join(', ') }}
)

select
    -- instance_family follows from instance_type: the key leaves it out
    {{ row_key(grain | reject('equalto', 'instance_family') | list) }} as normalized_usage_key,
    {%- for column in grain %}
        {{ column }},
    {%- endfor %}
    usage_hours,
    normalized_units,
    public_on_demand_cost,
    amortized_cost,
    line_count
from summed
