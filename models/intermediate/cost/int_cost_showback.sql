{#- Showback (DESIGN: dimensions): per billing period × payer × currency × team × layer, the cost as mapped
    (direct_amount) and as allocated: shared layers (cost_layers.is_shared: unused commitments, discounts,
    credits, refunds, tax) and support fees are pooled and spread to teams in proportion to each team's usage
    cost (the sum of its other amounts) in the same period, payer and currency. When no team has usage cost
    the shared amounts stay where they are. Σ allocated = Σ direct for every period and layer.

    Longer than ~200 lines on purpose: the pools, the shares and the spread are one allocation whose conservation
    (Σ allocated = Σ direct per period and layer) the money test `fct_cost_showback_allocates_every_dollar`
    checks on its rows; the budgets read it, so splitting its steps into models would deepen their chain. -#}

{%- set support_service_codes = var('support_service_codes') %}

with

cost_daily as (
    select * from {{ ref('int_cost_daily_allocated') }}
),

cost_layers as (
    select * from {{ ref('cost_layers') }}
),

amounts as (
    select
        cost_daily.billing_period,
        cost_daily.payer_account_id,
        cost_daily.currency,
        cost_daily.team,
        cost_layers.layer,
        cost_layers.layer_order,
        cost_layers.is_shared
        {%- if support_service_codes %}
            or cost_daily.service_code in (
                {%- for service_code in support_service_codes %}
                    '{{ service_code }}'{{ "," if not loop.last }}
                {%- endfor %}
            )
        {%- endif %} as is_shared_amount,
        case cost_layers.layer
            {%- for layer in cost_layer_names() %}
                when '{{ layer }}' then cost_daily.{{ layer }}
            {%- endfor %}
        end as amount
    from cost_daily
    cross join cost_layers
),

team_layer_amounts as (
    select
        billing_period,
        payer_account_id,
        currency,
        team,
        layer,
        layer_order,
        sum(amount) as direct_amount,
        sum(case when is_shared_amount then amount else 0 end) as shared_amount,
        sum(case when is_shared_amount then 0 else amount end) as unshared_amount
    from amounts
    group by
        billing_period,
        payer_account_id,
        currency,
        team,
        layer,
        layer_order
),

team_usage_costs as (
    select
        billing_period,
        payer_account_id,
        currency,
        team,
        sum(unshared_amount) as usage_cost
    from team_layer_amounts
    group by
        billing_period,
        payer_account_id,
        currency,
        team
),

period_usage_costs as (
    select
        billing_period,
        payer_account_id,
        currency,
        sum(usage_cost) as total_usage_cost
    from team_usage_costs
    group by
        billing_period,
        payer_account_id,
        currency
),

usage_shares as (
    select
        team_usage_costs.billing_period,
        team_usage_costs.payer_account_id,
        team_usage_costs.currency,
        team_usage_costs.team,
        team_usage_costs.usage_cost,
        case
            when period_usage_costs.total_usage_cost <> 0
                then team_usage_costs.usage_cost / period_usage_costs.total_usage_cost
        end as usage_cost_share
    from team_usage_costs
    inner join period_usage_costs
        on
            team_usage_costs.billing_period = period_usage_costs.billing_period
            and team_usage_costs.payer_account_id = period_usage_costs.payer_account_id
            and team_usage_costs.currency = period_usage_costs.currency
),

shared_pools as (
    select
        billing_period,
        payer_account_id,
        currency,
        layer,
        sum(shared_amount) as shared_pool
    from team_layer_amounts
    group by
        billing_period,
        payer_account_id,
        currency,
        layer
),

grid as (
    -- every (team, layer) with a direct amount, and every team with usage cost × every layer with a pool
    select
        billing_period,
        payer_account_id,
        currency,
        team,
        layer
    from team_layer_amounts
    union
    select
        usage_shares.billing_period,
        usage_shares.payer_account_id,
        usage_shares.currency,
        usage_shares.team,
        shared_pools.layer
    from usage_shares
    inner join shared_pools
        on
            usage_shares.billing_period = shared_pools.billing_period
            and usage_shares.payer_account_id = shared_pools.payer_account_id
            and usage_shares.currency = shared_pools.currency
    where shared_pools.shared_pool <> 0 and usage_shares.usage_cost_share is not null
),

allocated as (
    select
        grid.billing_period,
        grid.payer_account_id,
        grid.currency,
        grid.team,
        grid.layer,
        cost_layers.layer_order,
        cost_layers.is_shared as is_shared_layer,
        coalesce(team_layer_amounts.direct_amount, 0) as direct_amount,
        coalesce(team_layer_amounts.shared_amount, 0) as direct_shared_amount,
        usage_shares.usage_cost_share,
        case
            when usage_shares.usage_cost_share is null then coalesce(team_layer_amounts.shared_amount, 0)
            else usage_shares.usage_cost_share * coalesce(shared_pools.shared_pool, 0)
        end as allocated_shared_amount,
        coalesce(team_layer_amounts.unshared_amount, 0) as unshared_amount
    from grid
    inner join cost_layers
        on grid.layer = cost_layers.layer
    left join team_layer_amounts
        on
            grid.billing_period = team_layer_amounts.billing_period
            and grid.payer_account_id = team_layer_amounts.payer_account_id
            and grid.currency = team_layer_amounts.currency
            and grid.team = team_layer_amounts.team
            and grid.layer = team_layer_amounts.layer
    left join usage_shares
        on
            grid.billing_period = usage_shares.billing_period
            and grid.payer_account_id = usage_shares.payer_account_id
            and grid.currency = usage_shares.currency
            and grid.team = usage_shares.team
    left join shared_pools
        on
            grid.billing_period = shared_pools.billing_period
            and grid.payer_account_id = shared_pools.payer_account_id
            and grid.currency = shared_pools.currency
            and grid.layer = shared_pools.layer
),

final as (
    select
        *,
        unshared_amount + allocated_shared_amount as allocated_amount
    from allocated
)

select
    {{ row_key(['billing_period', 'payer_account_id', 'currency', 'team', 'layer']) }} as showback_key,
    billing_period,
    payer_account_id,
    currency,
    team,
    layer,
    layer_order,
    is_shared_layer,
    direct_amount,
    direct_shared_amount,
    usage_cost_share,
    allocated_shared_amount,
    allocated_amount
from final
where direct_amount <> 0 or allocated_amount <> 0
