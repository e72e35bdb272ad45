{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='billing_period',
    on_schema_change='fail',
) }}

{#- int_cost_lines summed per day and allocation key (and the other attributes of fct_cost_daily):
    the daily marts and the cash bridge are built from this much smaller table. Incremental by
    billing period, like the line facts. -#}

with

{% if is_incremental() -%}
periods_to_build as (
    {{ billing_periods_with_new_deliveries(ref('int_cost_lines')) }}
),

{% endif -%}

cost_lines as (
    select * from {{ ref('int_cost_lines') }}
    {%- if is_incremental() %}
    where billing_period in (select periods_to_build.billing_period from periods_to_build)
    {%- endif %}
),

daily as (
    select
        usage_date,
        billing_period,
        payer_account_id,
        delivery_id,
        discount_mode,
        account_id,
        billing_entity,
        invoice_id,
        currency,
        service_code,
        region,
        instance_family,
        pricing_model,
        allocation_key,
        {%- for layer in cost_layer_names() %}
            sum({{ layer }}) as {{ layer }},
        {%- endfor %}
        sum(amortized_cost) as amortized_cost,
        sum(unblended_cost) as unblended_cost,
        sum(net_unblended_cost) as net_unblended_cost,
        sum(billed_cost) as billed_cost,
        sum(ri_sp_trueup) as ri_sp_trueup,
        sum(ri_sp_upfront_fees) as ri_sp_upfront_fees,
        sum(case when list_cost_source = 'unblended_fallback' then on_demand else 0 end)
            as on_demand_from_unblended_fallback,
        count(*) as line_count
    from cost_lines
    group by
        usage_date,
        billing_period,
        payer_account_id,
        delivery_id,
        discount_mode,
        account_id,
        billing_entity,
        invoice_id,
        currency,
        service_code,
        region,
        instance_family,
        pricing_model,
        allocation_key
)

select * from daily
