{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='billing_period',
    on_schema_change='fail',
) }}

{#- One row per instance-hour usage line (DESIGN: normalized units) with its xlarge-normalized units:
    usage hours × size factor / 8. The factor is the CUR's where it is > 0 (nu_source 'cur'), otherwise the
    instance size's (nu_source 'size_table'; Multi-AZ doubles it), otherwise none (nu_source 'none', e.g.
    dedicated-host hours, which have no size). Only Usage / DiscountedUsage / SavingsPlanCoveredUsage lines
    whose usage type is an instance-hour type of its service count; RIFee, Credit and EBSOptimized lines never. -#}

with

{% if is_incremental() -%}
periods_to_build as (
    {{ billing_periods_with_new_deliveries(ref('int_cost_lines')) }}
),

{% endif -%}

cost_lines as (
    select * from {{ ref('int_cost_lines') }}
    where
        line_item_type in ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
        and not is_split_cost_child
    {%- if is_incremental() %}
        and billing_period in (select periods_to_build.billing_period from periods_to_build)
        {%- endif %}
),

instance_hour_usage_types as (
    select * from {{ ref('instance_hour_usage_types') }}
),

size_factors as (
    select * from {{ ref('instance_size_factors') }}
),

metal_sizes as (
    select * from {{ ref('instance_family_metal_sizes') }}
),

instance_hours as (
    select
        cost_lines.*,
        instance_hour_usage_types.is_multi_az,
        {{ regexp_capture('cost_lines.instance_family', '^(?:db\\.|cache\\.)?(.+)$') }} as base_instance_family
    from cost_lines
    inner join instance_hour_usage_types
        on
            cost_lines.service_code = instance_hour_usage_types.service_code
            and cost_lines.usage_type like instance_hour_usage_types.usage_type_pattern
),

sized as (
    select
        instance_hours.*,
        case
            when instance_hours.instance_size = 'metal' then metal_sizes.size_factor
            when size_factors.size_factor is not null then size_factors.size_factor
            when {{ regexp_matches('instance_hours.instance_size', '^[0-9]+xlarge$') }}
                then 8
                    * cast({{ regexp_capture('instance_hours.instance_size', '^([0-9]+)xlarge$') }} as double precision)
            when {{ regexp_matches('instance_hours.instance_size', '^metal-[0-9]+xl$') }}
                then 8
                    * cast(
                        {{ regexp_capture('instance_hours.instance_size', '^metal-([0-9]+)xl$') }} as double precision
                    )
        end
        * case when instance_hours.is_multi_az then 2 else 1 end as size_table_factor
    from instance_hours
    left join size_factors
        on instance_hours.instance_size = size_factors.instance_size
    left join metal_sizes
        on instance_hours.base_instance_family = metal_sizes.instance_family
),

normalized as (
    select
        sized.*,
        case
            when sized.normalization_factor > 0 then 'cur'
            when sized.size_table_factor is not null then 'size_table'
            else 'none'
        end as nu_source,
        case
            when sized.normalization_factor > 0 then sized.normalization_factor
            else sized.size_table_factor
        end as normalization_factor_used
    from sized
)

select
    line_item_key,
    delivery_id,
    billing_period,
    usage_date,
    payer_account_id,
    account_id,
    currency,
    line_item_type,
    service_code,
    usage_type,
    region,
    instance_type,
    instance_family,
    instance_size,
    pricing_model,
    reservation_arn,
    savings_plan_arn,
    allocation_key,
    usage_amount as usage_hours,
    normalization_factor as cur_normalization_factor,
    size_table_factor,
    normalization_factor_used,
    nu_source,
    usage_amount * normalization_factor_used / 8 as normalized_units,
    on_demand as public_on_demand_cost,
    amortized_cost
from normalized
