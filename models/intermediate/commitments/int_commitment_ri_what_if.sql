{#- Reserved-instance purchase candidates per payer × currency × commitment group, replayed against the window's
    hourly profile (on-demand units + units of expiring commitments). Candidates are the profile's percentiles
    0, 5, …, 100 % and the recommender's percentile (var `commitment_percentile`), each rounded down to whole
    instances of the group's purchase unit. For a quantity q (units per hour): used = Σ min(profile, q) over the
    window's hours; utilization = used ÷ (q × hours); monthly savings (730 h) = (used × on-demand rate per unit −
    q × hours × effective rate per unit) ÷ hours × 730.
    The steps shared with the other what-if are the what_if_* macros (macros/commitment_what_if.sql). -#}

with

profile as (
    select * from {{ ref('int_commitment_hourly_profile') }}
),

group_usage as (
    select * from {{ ref('int_commitment_group_usage') }}
),

observed_rates as (
    select * from {{ ref('int_commitment_rates') }}
    where
        {{ what_if_offering('reserved_instance') }}
),

fallback_rates as (
    select * from {{ ref('commitment_rate_fallbacks') }}
    where
        {{ what_if_offering('reserved_instance') }}
),

percentiles as (
    select
        payer_account_id,
        currency,
        commitment_group,
        max(time_granularity) as time_granularity,
        {{ what_if_percentiles('profile_units', 'units') }},
        avg(profile_units) as average_profile_units,
        {{ ri_profile_rate_per_unit() }} as profile_rate_per_unit,
        sum(expiring_ri_units) as expiring_ri_units
    from profile
    group by payer_account_id, currency, commitment_group
),

levels as (
    {{ what_if_level_rows() }}
),

rated_groups as (
    select
        group_usage.*,
        percentiles.time_granularity,
        percentiles.average_profile_units,
        coalesce(percentiles.profile_rate_per_unit, group_usage.on_demand_rate_per_unit) as profile_rate_per_unit,
        percentiles.expiring_ri_units,
        percentiles.recommended_level_units,
        {%- for level in what_if_levels() %}
            percentiles.level_{{ level }}_units,
        {%- endfor %}
        coalesce(
            family_rates.effective_rate_ratio, service_rates.effective_rate_ratio, fallback_rates.effective_rate_ratio
        )
            as effective_rate_ratio,
        case
            when family_rates.effective_rate_ratio is not null then 'observed_family'
            when service_rates.effective_rate_ratio is not null then 'observed_service'
            when fallback_rates.effective_rate_ratio is not null then 'fallback_seed'
        end as rate_source
    from group_usage
    inner join percentiles
        on
            group_usage.payer_account_id = percentiles.payer_account_id
            and group_usage.currency = percentiles.currency
            and group_usage.commitment_group = percentiles.commitment_group
    left join observed_rates as family_rates
        on
            group_usage.service_code = family_rates.service_code
            and group_usage.instance_family = family_rates.instance_family
            and coalesce(group_usage.platform, '*') = family_rates.platform
    left join observed_rates as service_rates
        on
            group_usage.service_code = service_rates.service_code
            and service_rates.instance_family = '*'
            and coalesce(group_usage.platform, '*') = service_rates.platform
    left join fallback_rates
        on group_usage.service_code = fallback_rates.service_code
),

candidates as (
    select
        rated_groups.payer_account_id,
        rated_groups.currency,
        rated_groups.commitment_group,
        levels.candidate_level,
        levels.candidate_label,
        {{ what_if_level_value('levels.candidate_level', 'rated_groups', 'units') }} as profile_level_units,
        rated_groups.purchase_unit
    from rated_groups
    cross join levels
),

quantities as (
    select
        payer_account_id,
        currency,
        commitment_group,
        {{ ri_purchase_units('profile_level_units', 'purchase_unit') }} as quantity_units,
        {{ ri_purchase_instances('profile_level_units', 'purchase_unit') }} as quantity_instances,
        {{ what_if_candidate_flags() }}
    from candidates
    group by
        payer_account_id,
        currency,
        commitment_group,
        {{ ri_purchase_units('profile_level_units', 'purchase_unit') }},
        {{ ri_purchase_instances('profile_level_units', 'purchase_unit') }}
),

replayed as (
    select
        quantities.payer_account_id,
        quantities.currency,
        quantities.commitment_group,
        quantities.quantity_units,
        sum(least(profile.profile_units, quantities.quantity_units)) as used_unit_hours,
        count(*) as profile_hours
    from quantities
    inner join profile
        on
            quantities.payer_account_id = profile.payer_account_id
            and quantities.currency = profile.currency
            and quantities.commitment_group = profile.commitment_group
    group by quantities.payer_account_id, quantities.currency, quantities.commitment_group, quantities.quantity_units
)

select
    rated_groups.payer_account_id,
    rated_groups.currency,
    rated_groups.commitment_group,
    rated_groups.service_code,
    rated_groups.region,
    rated_groups.instance_family,
    rated_groups.instance_type,
    rated_groups.platform,
    rated_groups.tenancy,
    rated_groups.deployment_option,
    rated_groups.is_size_flexible,
    rated_groups.is_sp_eligible_service,
    rated_groups.time_granularity,
    rated_groups.purchase_instance_type,
    rated_groups.purchase_unit,
    rated_groups.ri_covered_units,
    rated_groups.sp_covered_units,
    rated_groups.on_demand_units,
    rated_groups.eligible_units,
    rated_groups.on_demand_list_cost,
    rated_groups.on_demand_rate_per_unit,
    rated_groups.profile_rate_per_unit,
    rated_groups.average_profile_units,
    rated_groups.expiring_ri_units,
    rated_groups.effective_rate_ratio,
    rated_groups.rate_source,
    quantities.candidate_level,
    coalesce(quantities.candidate_label, 'recommended') as candidate_label,
    quantities.is_recommended,
    quantities.quantity_units,
    quantities.quantity_instances,
    replayed.profile_hours,
    replayed.used_unit_hours / replayed.profile_hours as expected_used_units,
    replayed.used_unit_hours / nullif(quantities.quantity_units * replayed.profile_hours, 0) as expected_utilization,
    (rated_groups.ri_covered_units - rated_groups.expiring_ri_units + replayed.used_unit_hours)
    / nullif(rated_groups.eligible_units, 0) as expected_ri_coverage,
    rated_groups.ri_covered_units / nullif(rated_groups.eligible_units, 0) as current_ri_coverage,
    quantities.quantity_units * rated_groups.profile_rate_per_unit * rated_groups.effective_rate_ratio
    * {{ hours_per_month() }} as expected_monthly_commitment_cost,
    (
        replayed.used_unit_hours / replayed.profile_hours * rated_groups.profile_rate_per_unit
        - quantities.quantity_units * rated_groups.profile_rate_per_unit * rated_groups.effective_rate_ratio
    ) * {{ hours_per_month() }} as expected_monthly_savings
from quantities
inner join rated_groups
    on
        quantities.payer_account_id = rated_groups.payer_account_id
        and quantities.currency = rated_groups.currency
        and quantities.commitment_group = rated_groups.commitment_group
inner join replayed
    on
        quantities.payer_account_id = replayed.payer_account_id
        and quantities.currency = replayed.currency
        and quantities.commitment_group = replayed.commitment_group
        and quantities.quantity_units = replayed.quantity_units
