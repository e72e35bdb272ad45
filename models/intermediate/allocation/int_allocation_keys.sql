{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='billing_period',
    on_schema_change='fail',
) }}

{#- One row per distinct combination of the attributes that decide team, host type and functional group,
    per billing period and payer. Small: the mapping is computed on these keys, not on every line. -#}

with

{% if is_incremental() -%}
periods_to_build as (
    {{ billing_periods_with_new_deliveries(ref('stg_cur__line_items')) }}
),

{% endif -%}

staged_lines as (
    select
        billing_period,
        payer_account_id,
        delivery_id,
        account_id,
        service_code,
        usage_type,
        {{ usage_instance_family('line_item_type', 'instance_family') }} as usage_instance_family,
        resource_tags,
        cost_category
    from {{ ref('stg_cur__line_items') }}
    {%- if is_incremental() %}
    where billing_period in (select periods_to_build.billing_period from periods_to_build)
    {%- endif %}
),

distinct_keys as (
    select distinct
        billing_period,
        payer_account_id,
        delivery_id,
        account_id,
        service_code,
        usage_type,
        usage_instance_family,
        resource_tags,
        cost_category
    from staged_lines
)

select
    {{ allocation_key('distinct_keys') }} as allocation_key,
    distinct_keys.*
from distinct_keys
