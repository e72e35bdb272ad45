{#- Instance usage in xlarge-normalized units (DESIGN: normalized units) per day × billing period × payer ×
    account × currency × service × region × instance type × pricing model × source of the factor × team ×
    host type × functional group, with the public on-demand and amortized cost of the same usage. -#}

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
        usage_date,
        billing_period,
        payer_account_id,
        account_id,
        currency,
        service_code,
        region,
        instance_type,
        instance_family,
        pricing_model,
        nu_source,
        team,
        host_type,
        functional_group,
        sum(usage_hours) as usage_hours,
        sum(normalized_units) as normalized_units,
        sum(public_on_demand_cost) as public_on_demand_cost,
        sum(amortized_cost) as amortized_cost,
        cast(count(*) as bigint) as line_count
    from mapped
    group by
        usage_date,
        billing_period,
        payer_account_id,
        account_id,
        currency,
        service_code,
        region,
        instance_type,
        instance_family,
        pricing_model,
        nu_source,
        team,
        host_type,
        functional_group
)

select
    {{ row_key([
        'usage_date', 'billing_period', 'payer_account_id', 'account_id', 'currency', 'service_code', 'region',
        'instance_type', 'pricing_model', 'nu_source', 'team', 'host_type', 'functional_group',
    ]) }} as normalized_usage_key,
    usage_date,
    billing_period,
    payer_account_id,
    account_id,
    currency,
    service_code,
    region,
    instance_type,
    instance_family,
    pricing_model,
    nu_source,
    team,
    host_type,
    functional_group,
    usage_hours,
    normalized_units,
    public_on_demand_cost,
    amortized_cost,
    line_count
from summed
