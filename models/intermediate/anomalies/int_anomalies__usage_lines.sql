{{ config(post_hook="{{ refresh_planner_statistics(this) }}") }}

{#- The detector's input: usage lines only (Usage, DiscountedUsage, SavingsPlanCoveredUsage; no split-cost
    children, no support), summed per day and driver (resource id, else usage type) at public on-demand and
    amortized cost. Team and host type come from today's mapping rules applied to every day ('latest'
    scenario), so a re-org of the mappings does not look like cost moving between teams. -#}

with

cost_lines as (
    select * from {{ ref('int_cost_lines') }}
    where
        line_item_type in ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
        and not is_split_cost_child
        and service_code not in (
            {%- for code in var('support_service_codes') %}
                '{{ code }}'{{ "," if not loop.last }}
            {%- endfor %}
        )
),

-- team and host type under today's rules
latest_mapping as (
    select * from {{ ref('int_allocation_mapping') }}
    where mapping_scenario = 'latest'
),

mapped as (
    select
        cost_lines.usage_date,
        cost_lines.payer_account_id,
        cost_lines.currency,
        cost_lines.account_id,
        cost_lines.service_code,
        coalesce(cost_lines.usage_type, '') as usage_type,
        coalesce(latest_mapping.team, 'unallocated') as team,
        coalesce(latest_mapping.host_type, cost_lines.service_code) as host_type,
        coalesce(cost_lines.resource_id, '') as resource_id,
        cost_lines.on_demand,
        cost_lines.amortized_cost
    from cost_lines
    left join latest_mapping
        on cost_lines.allocation_key = latest_mapping.allocation_key
)

select
    usage_date,
    {{ day_number('usage_date') }} as day_number,
    payer_account_id,
    currency,
    account_id,
    service_code,
    usage_type,
    team,
    host_type,
    resource_id,
    sum(on_demand) as public_on_demand_cost,
    sum(amortized_cost) as amortized_cost
from mapped
group by
    usage_date,
    payer_account_id,
    currency,
    account_id,
    service_code,
    usage_type,
    team,
    host_type,
    resource_id
