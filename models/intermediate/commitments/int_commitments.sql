{#- Every reserved instance and Savings Plan seen in the fee lines, one row each, with its purchase attributes
    (from its latest billing period; empty fee-line attributes filled from its covered usage), its size in
    xlarge-normalized units per hour (reservations) or dollars per hour (Savings Plans), and whether it
    expires within `commitment_expiry_days` of the as-of date. -#}

{%- set expiry_days = var('commitment_expiry_days') | int -%}

with

fees as (
    select * from {{ ref('int_commitment_fees') }}
),

as_of as (
    select * from {{ ref('int_commitment_as_of') }}
),

periods as (
    select
        commitment_id,
        min(billing_period) as first_billing_period,
        max(billing_period) as last_billing_period
    from fees
    group by commitment_id
),

latest as (
    select
        fees.*,
        {{ hours_between('fees.active_start_at', 'fees.active_end_at') }} as period_active_hours,
        {{ commitment_period_rank('fees') }} as period_rank
    from fees
),

described as (
    select
        latest.*,
        {{ commitment_platform('latest') }} as platform,
        case
            when latest.commitment_type = 'savings_plan' then true
            when latest.scope = 'availability_zone' then false
            else {{ is_size_flexible_usage('latest') }}
        end as is_size_flexible
    from latest
    where latest.period_rank = 1
),

final as (
    select
        described.commitment_id,
        described.commitment_type,
        described.payer_account_id,
        described.account_id,
        described.currency,
        described.service_code,
        described.region,
        described.availability_zone,
        described.scope,
        described.instance_type,
        described.instance_family,
        described.instance_size,
        described.platform,
        described.operating_system,
        described.tenancy,
        described.license_model,
        described.database_engine,
        described.deployment_option,
        described.cache_engine,
        described.is_size_flexible,
        {{ commitment_group_key(
            'described.service_code', 'described.region', 'described.instance_family',
            'described.instance_type', 'described.platform', 'described.tenancy',
            'described.deployment_option', 'described.is_size_flexible',
        ) }} as commitment_group,
        described.term,
        {{ term_in_years('described.term') }} as term_years,
        described.payment_option,
        described.offering_class,
        described.savings_plan_offering_type,
        described.savings_plan_instance_family,
        described.savings_plan_region,
        described.subscription_id,
        described.modification_status,
        described.commitment_start_at,
        described.commitment_end_at,
        described.number_of_reservations,
        described.size_factor,
        described.units_per_hour as normalized_units_per_hour,
        case
            when described.commitment_type = 'savings_plan'
                then described.total_commitment / nullif(described.period_active_hours, 0)
        end as hourly_commitment,
        described.commitment_cost / nullif(described.period_active_hours, 0) as hourly_cost,
        described.upfront_value,
        periods.first_billing_period,
        periods.last_billing_period,
        as_of.as_of_date,
        cast(
            floor({{ hours_between('cast(as_of.as_of_date + 1 as timestamp)', 'described.commitment_end_at') }} / 24)
            as integer
        ) as days_to_expiry,
        described.commitment_end_at < cast(as_of.as_of_date + 1 as timestamp) as is_expired,
        described.commitment_end_at >= cast(as_of.as_of_date + 1 as timestamp)
        and described.commitment_end_at < cast(as_of.as_of_date + 1 + {{ expiry_days }} as timestamp)
            as is_expiring_soon
    from described
    inner join periods
        on described.commitment_id = periods.commitment_id
    cross join as_of
)

select
    commitment_id,
    commitment_type,
    payer_account_id,
    account_id,
    currency,
    service_code,
    region,
    availability_zone,
    scope,
    instance_type,
    instance_family,
    instance_size,
    platform,
    operating_system,
    tenancy,
    license_model,
    database_engine,
    deployment_option,
    cache_engine,
    is_size_flexible,
    commitment_group,
    term,
    term_years,
    payment_option,
    offering_class,
    savings_plan_offering_type,
    savings_plan_instance_family,
    savings_plan_region,
    subscription_id,
    modification_status,
    commitment_start_at,
    commitment_end_at,
    cast(number_of_reservations as double precision) as number_of_reservations,
    cast(size_factor as double precision) as size_factor,
    cast(normalized_units_per_hour as double precision) as normalized_units_per_hour,
    cast(hourly_commitment as double precision) as hourly_commitment,
    cast(hourly_cost as double precision) as hourly_cost,
    cast(upfront_value as double precision) as upfront_value,
    first_billing_period,
    last_billing_period,
    as_of_date,
    days_to_expiry,
    is_expired,
    is_expiring_soon
from final
