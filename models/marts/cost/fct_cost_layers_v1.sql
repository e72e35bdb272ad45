{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='billing_period',
    on_schema_change='fail',
) }}

{#- One row per CUR line and cost layer, with team, host type and functional group. Incremental by billing
    period: a month is rebuilt when it has a new or restated delivery, or when the mapping of any of its
    allocation keys changed (the line facts upstream are not rebuilt for a mapping change). #}

-- depends_on: {{ ref('int_cost_lines') }}

with

{% if is_incremental() -%}
periods_with_new_deliveries as (
    {{ billing_periods_with_new_deliveries(ref('int_cost_lines')) }}
),

built_mapping as (
    select distinct
        billing_period,
        allocation_key,
        team,
        team_source,
        host_type,
        functional_group
    from {{ this }}
),

current_mapping as (
    select * from {{ ref('int_allocation_mapping') }}
    where mapping_scenario = 'effective'
),

remapped_periods as (
    select distinct built_mapping.billing_period
    from built_mapping
    left join current_mapping
        on built_mapping.allocation_key = current_mapping.allocation_key
    where
        current_mapping.allocation_key is null
        or built_mapping.team <> current_mapping.team
        or built_mapping.team_source <> current_mapping.team_source
        or built_mapping.host_type <> current_mapping.host_type
        or built_mapping.functional_group <> current_mapping.functional_group
),

periods_to_build as (
    select billing_period from periods_with_new_deliveries
    union
    select billing_period from remapped_periods
),

{% endif -%}

cost_layers as (
    select * from {{ ref('int_cost_layers') }}
    {%- if is_incremental() %}
    where billing_period in (select periods_to_build.billing_period from periods_to_build)
    {%- endif %}
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
        -- text, whatever type the mapping seeds were loaded with, so incremental runs keep the contract
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
