{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='billing_period',
    on_schema_change='fail',
) }}

{#- One row per CUR line with the signed amount it gives to each cost layer (DESIGN: the layer table),
    the cash-only amounts of the cash bridge, and the attributes the marts slice by. Built incrementally:
    only billing periods with a new or restated delivery are rebuilt. -#}


with

{% if is_incremental() -%}
periods_to_build as (
    {{ billing_periods_with_new_deliveries(ref('stg_cur__line_items')) }}
),

{% endif -%}

staged_lines as (
    select * from {{ ref('stg_cur__line_items') }}
    {%- if is_incremental() %}
    where billing_period in (select periods_to_build.billing_period from periods_to_build)
    {%- endif %}
),

line_item_types as (
    select * from {{ ref('cur_line_item_types') }}
),

typed_lines as (
    select
        staged_lines.*,
        line_item_types.line_item_type is not null as is_known_line_item_type,
        {{ usage_instance_family('staged_lines.line_item_type', 'staged_lines.instance_family') }}
            as usage_instance_family
    from staged_lines
    left join line_item_types
        on staged_lines.line_item_type = line_item_types.line_item_type
),

-- the few columns the discount mode needs, read apart from staged_lines: a CTE read twice is materialized
-- (DuckDB keeps every column of every line in memory), while two reads of the view each read only their columns
discount_mode_lines as (
    select
        mode_lines.billing_period,
        mode_lines.payer_account_id,
        mode_lines.net_unblended_cost,
        mode_lines.discount,
        coalesce(mode_line_types.is_discount_line, false) as is_discount_line
    from {{ ref('stg_cur__line_items') }} as mode_lines
    left join {{ ref('cur_line_item_types') }} as mode_line_types
        on mode_lines.line_item_type = mode_line_types.line_item_type
    {%- if is_incremental() %}
    where mode_lines.billing_period in (select periods_to_build.billing_period from periods_to_build)
    {%- endif %}
),

-- DESIGN "discount mode", per billing period and payer: discount line items win ("line");
-- otherwise net columns or a discount map make it "net"; never both.
discount_modes as (
    select
        billing_period,
        payer_account_id,
        case
            when sum(case when is_discount_line then 1 else 0 end) > 0 then 'line'
            when sum(case when net_unblended_cost is not null or discount <> '{}' then 1 else 0 end) > 0
                then 'net'
            else 'line'
        end as discount_mode
    from discount_mode_lines
    group by billing_period, payer_account_id
),

flagged as (
    select
        typed_lines.*,
        discount_modes.discount_mode,
        coalesce(typed_lines.public_on_demand_cost, 0) as list_cost,
        coalesce(
            typed_lines.line_item_type = 'Refund'
            and typed_lines.service_code like '%SavingsPlans%'
            and typed_lines.line_item_description like 'Refund for one-time fee for Savings Plan ID%',
            false
        ) as is_savings_plan_cancellation_refund,
        coalesce(typed_lines.line_item_type = 'Fee' and typed_lines.reservation_arn is not null, false)
            as is_reservation_upfront_fee,
        coalesce(
            typed_lines.line_item_type = 'Usage'
            and coalesce(typed_lines.public_on_demand_cost, 0) = 0
            and typed_lines.unblended_cost <> 0,
            false
        ) as uses_unblended_fallback
    from typed_lines
    inner join discount_modes
        on
            typed_lines.billing_period = discount_modes.billing_period
            and typed_lines.payer_account_id = discount_modes.payer_account_id
),

-- every layer, the net-mode discount and the cash bridge amounts, written from the cost layer rules
-- (seeds/cost_layer_rules.csv; macro cost_rule_columns); discount layers here are their line-item part
gross_layers as (
    select
        flagged.*,
        {{ cost_rule_columns('flagged') }}
    from flagged
),

layered as (
    select
        gross_layers.*,
        {{ discount_layer_columns('gross_layers') }}
    from gross_layers
),

final as (
    select
        layered.line_item_key,
        layered.line_item_id,
        layered.delivery_id,
        layered.billing_period,
        layered.usage_date,
        layered.payer_account_id,
        layered.account_id,
        layered.invoice_id,
        layered.billing_entity,
        layered.currency,
        case
            when layered.is_known_line_item_type then layered.line_item_type
            else {{ raise_in_sql(
                "'unknown CUR line item type \"' || layered.line_item_type || '\" in billing period '"
                ~ " || cast(layered.billing_period as " ~ dbt.type_string() ~ ")"
                ~ " || ' (payer ' || layered.payer_account_id || '): classify it in seeds/cur_line_item_types.csv"
                ~ " and the cost layer rules before its money is reported'"
            ) }}
        end as line_item_type,
        layered.service_code,
        layered.usage_type,
        layered.operation,
        layered.region,
        layered.resource_id,
        layered.instance_type,
        layered.instance_family,
        layered.instance_size,
        layered.pricing_term,
        {{ pricing_model('layered') }} as pricing_model,
        layered.discount_mode,
        layered.list_cost_source,
        layered.is_split_cost_child,
        layered.is_cash_only,
        layered.reservation_arn,
        layered.savings_plan_arn,
        {{ allocation_key('layered') }} as allocation_key,
        layered.usage_amount,
        layered.normalization_factor,
        layered.unblended_cost,
        layered.net_unblended_cost,
        layered.public_on_demand_cost,
        layered.billed_cost,
        {%- for layer in cost_layer_names() %}
            layered.{{ layer }},
        {%- endfor %}
        {% for layer in cost_layer_names() -%}
            layered.{{ layer }}{{ " + " if not loop.last }}
        {%- endfor %} as amortized_cost,
        layered.ri_sp_trueup,
        layered.ri_sp_upfront_fees
    from layered
)

select * from final
