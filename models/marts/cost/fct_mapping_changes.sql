{#- Mapping-change report: the cost that moves between teams, host types and functional groups, per billing
    period, when the mapping of one scenario is replaced by another's. By default it compares the mapping the
    marts show (each month's effective rules) with today's rules applied to every month; set vars
    mapping_change_from_date / mapping_change_to_date (YYYY-MM-DD) to compare the rules valid on two dates,
    e.g. `dbt build -s fct_mapping_changes --vars '{mapping_change_from_date: 2024-01-01}'`.
    Only moved cost is listed (from_value <> to_value). -#}

{%- set from_scenario = 'compare_from' if date_var('mapping_change_from_date') else 'effective' -%}
{%- set to_scenario = 'compare_to' if date_var('mapping_change_to_date') else 'latest' %}

with

cost_daily as (
    select * from {{ ref('int_cost_daily') }}
),

from_mapping as (
    select * from {{ ref('int_allocation_mapping') }}
    where mapping_scenario = '{{ from_scenario }}'
),

to_mapping as (
    select * from {{ ref('int_allocation_mapping') }}
    where mapping_scenario = '{{ to_scenario }}'
),

key_costs as (
    select
        billing_period,
        payer_account_id,
        currency,
        allocation_key,
        sum(amortized_cost) as amortized_cost,
        sum(on_demand) as public_on_demand_cost
    from cost_daily
    group by
        billing_period,
        payer_account_id,
        currency,
        allocation_key
),

compared as (
    select
        key_costs.billing_period,
        key_costs.payer_account_id,
        key_costs.currency,
        key_costs.amortized_cost,
        key_costs.public_on_demand_cost,
        from_mapping.as_of_date as from_as_of_date,
        to_mapping.as_of_date as to_as_of_date,
        from_mapping.team as from_team,
        to_mapping.team as to_team,
        from_mapping.host_type as from_host_type,
        to_mapping.host_type as to_host_type,
        from_mapping.functional_group as from_functional_group,
        to_mapping.functional_group as to_functional_group
    from key_costs
    inner join from_mapping
        on key_costs.allocation_key = from_mapping.allocation_key
    inner join to_mapping
        on key_costs.allocation_key = to_mapping.allocation_key
),

moves as (
    {%- for dimension in ['team', 'host_type', 'functional_group'] %}
        select
            billing_period,
            payer_account_id,
            currency,
            '{{ dimension }}' as dimension,
            from_{{ dimension }} as from_value,
            to_{{ dimension }} as to_value,
            from_as_of_date,
            to_as_of_date,
            amortized_cost,
            public_on_demand_cost
        from compared
        where from_{{ dimension }} <> to_{{ dimension }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

summed as (
    select
        billing_period,
        payer_account_id,
        currency,
        dimension,
        from_value,
        to_value,
        '{{ from_scenario }}' as from_scenario,
        '{{ to_scenario }}' as to_scenario,
        max(from_as_of_date) as from_as_of_date,
        max(to_as_of_date) as to_as_of_date,
        sum(amortized_cost) as amortized_cost_moved,
        sum(public_on_demand_cost) as public_on_demand_cost_moved
    from moves
    group by
        billing_period,
        payer_account_id,
        currency,
        dimension,
        from_value,
        to_value
)

select
    {{ row_key(['billing_period', 'payer_account_id', 'currency', 'dimension', 'from_value', 'to_value']) }}
        as mapping_change_key,
    billing_period,
    payer_account_id,
    currency,
    dimension,
    from_value,
    to_value,
    from_scenario,
    to_scenario,
    from_as_of_date,
    to_as_of_date,
    amortized_cost_moved,
    public_on_demand_cost_moved
from summed
