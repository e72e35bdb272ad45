{{ config(materialized='view') }}

{#- One row per CUR line and cost layer it feeds (non-zero amounts only): int_cost_lines unpivoted. -#}

with

cost_lines as (
    select * from {{ ref('int_cost_lines') }}
),

cost_layers as (
    select * from {{ ref('cost_layers') }}
),

unpivoted as (
    select
        {{ row_key(['cost_lines.line_item_key', 'cost_layers.layer']) }} as cost_layer_key,
        cost_lines.line_item_key,
        cost_lines.delivery_id,
        cost_lines.billing_period,
        cost_lines.usage_date,
        cost_lines.payer_account_id,
        cost_lines.account_id,
        cost_lines.invoice_id,
        cost_lines.billing_entity,
        cost_lines.currency,
        cost_lines.line_item_type,
        cost_lines.service_code,
        cost_lines.usage_type,
        cost_lines.region,
        cost_lines.instance_type,
        cost_lines.instance_family,
        cost_lines.pricing_model,
        cost_lines.list_cost_source,
        cost_lines.discount_mode,
        cost_lines.allocation_key,
        cost_layers.layer,
        case cost_layers.layer
            {%- for layer in cost_layer_names() %}
                when '{{ layer }}' then cost_lines.{{ layer }}
            {%- endfor %}
        end as amount
    from cost_lines
    cross join cost_layers
)

select * from unpivoted
where amount <> 0
