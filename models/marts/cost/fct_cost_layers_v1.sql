{{ config(materialized=mart_view_materialization()) }}

{#- One row per CUR line and cost layer, with team, host type and functional group: a view over the line facts
    (int_cost_lines, unpivoted by the view int_cost_layers) and the current mapping of the small table of
    allocation keys. Nothing is stored at this grain: the layers are columns of int_cost_lines, so the build
    writes each line once, and a mapping change reaches every month the moment it is built (DESIGN 3.4). -#}

with

cost_layers as (
    select * from {{ ref('int_cost_layers') }}
),

allocation_mapping as (
    select * from {{ ref('int_allocation_mapping') }}
    where mapping_scenario = 'effective'
),

final as (
    select
        cost_layers.cost_layer_key,
        cost_layers.line_item_key,
        cost_layers.delivery_id,
        cost_layers.billing_period,
        cost_layers.usage_date,
        cost_layers.payer_account_id,
        cost_layers.account_id,
        cost_layers.invoice_id,
        cost_layers.billing_entity,
        cost_layers.currency,
        cost_layers.line_item_type,
        cost_layers.service_code,
        cost_layers.usage_type,
        cost_layers.region,
        cost_layers.instance_type,
        cost_layers.instance_family,
        cost_layers.pricing_model,
        cost_layers.list_cost_source,
        cost_layers.discount_mode,
        cost_layers.allocation_key,
        -- text, whatever type the mapping seeds were loaded with, so the contract holds on every engine
        cast(allocation_mapping.team as text) as team,
        cast(allocation_mapping.team_source as text) as team_source,
        cast(allocation_mapping.host_type as text) as host_type,
        cast(allocation_mapping.functional_group as text) as functional_group,
        cast(cost_layers.layer as text) as layer,
        cost_layers.amount
    from cost_layers
    inner join allocation_mapping
        on cost_layers.allocation_key = allocation_mapping.allocation_key
)

select * from final
