{#- What to buy next (DESIGN: commitments; docs: recommendation method): one row per commitment group
    (reserved instances, in xlarge-normalized units per hour) and per payer (Savings Plans, in dollars per hour
    at Savings Plans rates), with the expected utilization, coverage and monthly savings at public and net
    rates. A recommended quantity of 0 means buying would not pay at the chosen percentile. -#}

with

as_of as (
    select * from {{ ref('int_commitment_as_of') }}
),

ri_candidates as (
    select * from {{ ref('int_commitment_ri_what_if') }}
    where is_recommended
),

sp_candidates as (
    select * from {{ ref('int_commitment_sp_what_if') }}
    where is_recommended
),

net_rates as (
    select * from {{ ref('int_commitment_net_rates') }}
),

reservations as (
    select
        'reserved_instance' as commitment_type,
        payer_account_id,
        currency,
        commitment_group,
        service_code,
        region,
        instance_family,
        instance_type,
        platform,
        tenancy,
        deployment_option,
        is_size_flexible,
        {{ var('commitment_ri_term_years') | int }} as term_years,
        '{{ var("commitment_ri_payment_option") }}' as payment_option,
        '{{ var("commitment_ri_offering_class") }}' as offering,
        time_granularity,
        average_profile_units as average_on_demand_units,
        expiring_ri_units / profile_hours as average_expiring_units,
        quantity_units as recommended_units,
        purchase_instance_type as recommended_instance_type,
        quantity_instances as recommended_instances,
        cast(null as double precision) as hourly_commitment,
        profile_rate_per_unit as on_demand_rate_per_unit,
        effective_rate_ratio,
        rate_source,
        expected_utilization,
        current_ri_coverage as current_coverage,
        expected_ri_coverage as expected_coverage,
        expected_monthly_commitment_cost,
        expected_monthly_savings
    from ri_candidates
),

savings_plans as (
    select
        'savings_plan' as commitment_type,
        payer_account_id,
        currency,
        '{{ var("commitment_sp_offering_type") }}' as commitment_group,
        cast(null as {{ dbt.type_string() }}) as service_code,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as {{ dbt.type_string() }}) as instance_family,
        cast(null as {{ dbt.type_string() }}) as instance_type,
        cast(null as {{ dbt.type_string() }}) as platform,
        cast(null as {{ dbt.type_string() }}) as tenancy,
        cast(null as {{ dbt.type_string() }}) as deployment_option,
        cast(null as boolean) as is_size_flexible,
        {{ var('commitment_sp_term_years') | int }} as term_years,
        '{{ var("commitment_sp_payment_option") }}' as payment_option,
        '{{ var("commitment_sp_offering_type") }}' as offering,
        time_granularity,
        cast(null as double precision) as average_on_demand_units,
        cast(null as double precision) as average_expiring_units,
        cast(null as double precision) as recommended_units,
        cast(null as {{ dbt.type_string() }}) as recommended_instance_type,
        cast(null as double precision) as recommended_instances,
        hourly_commitment,
        cast(null as double precision) as on_demand_rate_per_unit,
        effective_rate_ratio,
        rate_source,
        expected_utilization,
        current_sp_coverage as current_coverage,
        expected_sp_coverage as expected_coverage,
        expected_monthly_commitment_cost,
        expected_monthly_savings
    from sp_candidates
),

recommendations as (
    select * from reservations
    union all
    select * from savings_plans
)

select
    recommendations.commitment_type || '|' || recommendations.payer_account_id || '|'
    || recommendations.currency || '|' || recommendations.commitment_group as recommendation_key,
    recommendations.commitment_type,
    recommendations.payer_account_id,
    recommendations.currency,
    recommendations.commitment_group,
    recommendations.service_code,
    recommendations.region,
    recommendations.instance_family,
    recommendations.instance_type,
    recommendations.platform,
    recommendations.tenancy,
    recommendations.deployment_option,
    recommendations.is_size_flexible,
    cast(recommendations.term_years as integer) as term_years,
    recommendations.payment_option,
    recommendations.offering,
    as_of.as_of_date,
    as_of.window_start_date,
    cast(as_of.window_days as integer) as window_days,
    cast({{ var('commitment_percentile') | float }} as double precision) as percentile,
    recommendations.time_granularity,
    case
        when recommendations.time_granularity = 'daily'
            then
                'the CUR has daily lines: each day is spread evenly over its hours, so this floor is a daily '
                || 'average and overstates the hourly floor'
    end as granularity_note,
    cast(recommendations.average_on_demand_units as double precision) as average_on_demand_units,
    cast(recommendations.average_expiring_units as double precision) as average_expiring_units,
    cast(recommendations.recommended_units as double precision) as recommended_units,
    recommendations.recommended_instance_type,
    cast(recommendations.recommended_instances as double precision) as recommended_instances,
    cast(recommendations.hourly_commitment as double precision) as hourly_commitment,
    cast(recommendations.on_demand_rate_per_unit as double precision) as on_demand_rate_per_unit,
    cast(recommendations.effective_rate_ratio as double precision) as effective_rate_ratio,
    recommendations.rate_source,
    cast(recommendations.expected_utilization as double precision) as expected_utilization,
    cast(recommendations.current_coverage as double precision) as current_coverage,
    cast(recommendations.expected_coverage as double precision) as expected_coverage,
    cast(recommendations.expected_monthly_commitment_cost as double precision) as expected_monthly_commitment_cost,
    cast(recommendations.expected_monthly_savings as double precision) as expected_monthly_savings,
    cast(coalesce(net_rates.net_to_public_ratio, 1) as double precision) as net_to_public_ratio,
    cast(
        recommendations.expected_monthly_savings * coalesce(net_rates.net_to_public_ratio, 1) as double precision
    ) as expected_monthly_savings_net
from recommendations
cross join as_of
left join net_rates
    on
        recommendations.payer_account_id = net_rates.payer_account_id
        and recommendations.currency = net_rates.currency
