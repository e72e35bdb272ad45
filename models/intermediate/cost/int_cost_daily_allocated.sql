{#- Wide daily cost mart: one column per cost layer plus public on-demand, amortized, unblended and billed cost
    and the effective discount rate, per day × billing period × payer × account × billing entity × invoice ×
    currency × service × region × instance family × pricing model × team × host type × functional group.
    Rebuilt from the incremental daily facts on every run, so mapping changes reach every month. -#}

{%- set grain = [
    'usage_date', 'billing_period', 'payer_account_id', 'account_id', 'billing_entity', 'invoice_id',
    'currency', 'service_code', 'region', 'instance_family', 'pricing_model', 'team',
    'team_source', 'host_type', 'functional_group'
] %}

with

cost_daily as (
    select * from {{ ref('int_cost_daily') }}
),

allocation_mapping as (
    select * from {{ ref('int_allocation_mapping') }}
    where mapping_scenario = 'effective'
),

mapped as (
    select
        cost_daily.*,
        allocation_mapping.team,
        allocation_mapping.team_source,
        allocation_mapping.host_type,
        allocation_mapping.functional_group
    from cost_daily
    inner join allocation_mapping
        on cost_daily.allocation_key = allocation_mapping.allocation_key
),

summed as (
    select
        {%- for column in grain %}
            {{ column }},
        {%- endfor %}
        {%- for layer in cost_layer_names() %}
            sum({{ layer }}) as {{ layer }},
        {%- endfor %}
        sum(on_demand) as public_on_demand_cost,
        sum(amortized_cost) as amortized_cost,
        sum(unblended_cost) as unblended_cost,
        sum(billed_cost) as billed_cost,
        sum(on_demand_from_unblended_fallback) as on_demand_from_unblended_fallback,
        cast(sum(line_count) as bigint) as line_count
    from mapped
    group by {{ grain | join(', ') }}
)

select
    {{ row_key(grain) }} as cost_daily_key,
    {%- for column in grain %}
        {{ column }},
    {%- endfor %}
    {%- for layer in cost_layer_names() %}
        {{ layer }},
    {%- endfor %}
    public_on_demand_cost,
    amortized_cost,
    unblended_cost,
    billed_cost,
    case
        when public_on_demand_cost <> 0 then 1 - amortized_cost / public_on_demand_cost
    end as effective_discount_rate,
    on_demand_from_unblended_fallback,
    line_count
from summed
