{#- Daily cost per functional group, split for unit costs: the group's own (usage) cost — non-shared cost
    layers of services other than support — at amortized and public on-demand basis, beside its total
    amortized and public on-demand cost. Shared layers are those flagged in the cost_layers seed; support
    services are var support_service_codes. -#}

with

cost_daily as (
    select * from {{ ref('int_cost_daily_allocated') }}
),

cost_layers as (
    select * from {{ ref('cost_layers') }}
),

daily_groups as (
    select
        billing_period,
        usage_date,
        payer_account_id,
        currency,
        functional_group,
        {%- for layer in cost_layer_names() %}
            {{ layer }},
        {%- endfor %}
        {{ is_support_service('service_code') }} as is_support
    from cost_daily
),

group_layer_amounts as (
    select
        daily_groups.billing_period,
        daily_groups.usage_date,
        daily_groups.payer_account_id,
        daily_groups.currency,
        daily_groups.functional_group,
        daily_groups.is_support,
        cost_layers.layer,
        cost_layers.is_shared,
        case cost_layers.layer
            {%- for layer in cost_layer_names() %}
                when '{{ layer }}' then daily_groups.{{ layer }}
            {%- endfor %}
        end as amount
    from daily_groups
    cross join cost_layers
),

group_costs as (
    select
        billing_period,
        usage_date,
        payer_account_id,
        currency,
        functional_group,
        sum(case when not is_shared and not is_support then amount else 0 end) as usage_amortized_cost,
        sum(case when layer = 'on_demand' and not is_support then amount else 0 end) as usage_on_demand_cost,
        sum(amount) as amortized_cost,
        sum(case when layer = 'on_demand' then amount else 0 end) as public_on_demand_cost
    from group_layer_amounts
    group by billing_period, usage_date, payer_account_id, currency, functional_group
)

select * from group_costs
