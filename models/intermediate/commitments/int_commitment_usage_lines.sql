{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='billing_period',
    on_schema_change='fail',
) }}

{#- One row per instance-hour usage line (the lines that carry normalized units) with what the commitment
    models need: the clock hours it covers, how it is priced for coverage (DESIGN: commitments), the
    attributes that make reservations interchangeable, and its public on-demand and commitment cost.
    coverage_category: ri_covered (DiscountedUsage) | sp_covered (SavingsPlanCoveredUsage) | on_demand (Usage
    with pricing term OnDemand) | spot | free_tier (other Usage: empty pricing term). -#}

with

{% if is_incremental() -%}
periods_to_build as (
    {{ billing_periods_with_new_deliveries(ref('int_normalized_usage')) }}
),

{% endif -%}

normalized_usage as (
    select * from {{ ref('int_normalized_usage') }}
    {%- if is_incremental() %}
    where billing_period in (select periods_to_build.billing_period from periods_to_build)
    {%- endif %}
),

staged_lines as (
    select * from {{ ref('stg_cur__line_items') }}
    where
        line_item_type in ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
    {%- if is_incremental() %}
        and billing_period in (select periods_to_build.billing_period from periods_to_build)
        {%- endif %}
),

joined as (
    select
        normalized_usage.*,
        staged_lines.usage_start_at,
        coalesce(staged_lines.usage_end_at, staged_lines.usage_start_at + interval '1 hour') as usage_end_at,
        staged_lines.pricing_term,
        staged_lines.is_spot_usage,
        staged_lines.availability_zone,
        staged_lines.operating_system,
        staged_lines.tenancy,
        staged_lines.license_model,
        staged_lines.pre_installed_software,
        staged_lines.database_engine,
        staged_lines.deployment_option,
        staged_lines.cache_engine,
        staged_lines.purchase_option,
        staged_lines.lease_contract_length,
        staged_lines.offering_class,
        staged_lines.savings_plan_offering_type,
        staged_lines.reservation_effective_cost,
        staged_lines.savings_plan_effective_cost
    from normalized_usage
    inner join staged_lines
        on normalized_usage.line_item_key = staged_lines.line_item_key
),

classified as (
    select
        joined.*,
        case
            when joined.line_item_type = 'DiscountedUsage' then 'ri_covered'
            when joined.line_item_type = 'SavingsPlanCoveredUsage' then 'sp_covered'
            when joined.is_spot_usage then 'spot'
            when joined.pricing_term = 'OnDemand' then 'on_demand'
            else 'free_tier'
        end as coverage_category,
        {{ commitment_platform('joined') }} as platform,
        {{ is_size_flexible_usage('joined') }} as is_size_flexible,
        {{ hours_between('joined.usage_start_at', 'coalesce(joined.usage_end_at, joined.usage_start_at)') }}
            as line_clock_hours
    from joined
),

final as (
    select
        line_item_key,
        delivery_id,
        billing_period,
        usage_date,
        usage_start_at,
        usage_end_at,
        line_clock_hours,
        payer_account_id,
        account_id,
        currency,
        line_item_type,
        pricing_model,
        pricing_term,
        coverage_category,
        service_code,
        region,
        availability_zone,
        instance_type,
        instance_family,
        instance_size,
        operating_system,
        tenancy,
        license_model,
        pre_installed_software,
        database_engine,
        deployment_option,
        cache_engine,
        platform,
        is_size_flexible,
        {{ commitment_group_key(
            'service_code', 'region', 'instance_family', 'instance_type', 'platform', 'tenancy',
            'deployment_option', 'is_size_flexible'
        ) }} as commitment_group,
        reservation_arn,
        savings_plan_arn,
        purchase_option,
        lease_contract_length,
        offering_class,
        savings_plan_offering_type,
        usage_hours,
        normalization_factor_used,
        nu_source,
        coalesce(normalized_units, 0) as normalized_units,
        coalesce(public_on_demand_cost, 0) as list_cost,
        amortized_cost,
        case
            when line_item_type = 'DiscountedUsage' then coalesce(reservation_effective_cost, 0)
            when line_item_type = 'SavingsPlanCoveredUsage' then coalesce(savings_plan_effective_cost, 0)
            else 0
        end as commitment_effective_cost
    from classified
)

select * from final
