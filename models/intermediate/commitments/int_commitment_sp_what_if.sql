{#- Savings Plans purchase candidates per payer × currency, as an hourly commitment in dollars at Savings Plans
    rates. The profile is what on-demand usage of Savings-Plans-eligible services would cost each hour of the
    window (public on-demand) once the recommended reservations are bought and expiring commitments have
    ended. Candidates are that profile's percentiles 0, 5, …, 100 % and the recommender's percentile. For a
    covered amount c (public on-demand dollars per hour) the commitment is c × the Savings Plans rate ratio;
    used = Σ min(profile, c); monthly savings (730 h) = (used ÷ hours − commitment) × 730.
    The recommended reservations are found here from the same profile and purchase units as in
    int_commitment_ri_what_if (its recommended rows; macros ri_purchase_units, ri_profile_rate_per_unit), so the
    two what-ifs run side by side rather than one after the other in the DAG.
    The steps shared with the other what-if are the what_if_* macros (macros/commitment_what_if.sql).

    Longer than ~200 lines on purpose: finding the recommended reservations here (instead of reading the RI
    what-if) keeps the two what-ifs side by side, one level shallower in the commitment chain; both unit tests
    follow a profile from the hourly usage to the plan's candidates, the second with reservations bought first. -#}

with

profile as (
    select * from {{ ref('int_commitment_hourly_profile') }}
    where is_sp_eligible_service
),

all_group_usage as (
    select * from {{ ref('int_commitment_group_usage') }}
),

group_usage as (
    select * from all_group_usage
    where is_sp_eligible_service
),

-- the reservations int_commitment_ri_what_if recommends: its recommended level, in whole purchase units
ri_levels as (
    select
        payer_account_id,
        currency,
        commitment_group,
        {{ what_if_recommended_level('profile_units') }} as recommended_level_units,
        {{ ri_profile_rate_per_unit() }} as profile_rate_per_unit
    from profile
    group by payer_account_id, currency, commitment_group
),

ri_recommendations as (
    select
        ri_levels.payer_account_id,
        ri_levels.currency,
        ri_levels.commitment_group,
        {{ ri_purchase_units('ri_levels.recommended_level_units', 'all_group_usage.purchase_unit') }}
            as quantity_units,
        coalesce(ri_levels.profile_rate_per_unit, all_group_usage.on_demand_rate_per_unit) as profile_rate_per_unit
    from ri_levels
    inner join all_group_usage
        on
            ri_levels.payer_account_id = all_group_usage.payer_account_id
            and ri_levels.currency = all_group_usage.currency
            and ri_levels.commitment_group = all_group_usage.commitment_group
),

observed_rates as (
    select * from {{ ref('int_commitment_rates') }}
    where
        {{ what_if_offering('savings_plan') }}
        and instance_family = '*'
        and platform = '*'
),

fallback_rates as (
    select * from {{ ref('commitment_rate_fallbacks') }}
    where
        {{ what_if_offering('savings_plan') }}
),

-- what each hour would cost on demand after the recommended reservations
residual_by_group as (
    select
        profile.payer_account_id,
        profile.currency,
        profile.usage_hour,
        max(profile.time_granularity) as time_granularity,
        sum(
            greatest(profile.profile_units - coalesce(ri_recommendations.quantity_units, 0), 0)
            * coalesce(
                ri_recommendations.profile_rate_per_unit,
                profile.on_demand_list_cost / nullif(profile.on_demand_units, 0),
                0
            )
            + profile.expiring_sp_list_cost
        ) as residual_list_cost
    from profile
    left join ri_recommendations
        on
            profile.payer_account_id = ri_recommendations.payer_account_id
            and profile.currency = ri_recommendations.currency
            and profile.commitment_group = ri_recommendations.commitment_group
    group by profile.payer_account_id, profile.currency, profile.usage_hour
),

payer_usage as (
    select
        payer_account_id,
        currency,
        min(service_code) as service_code,
        sum(sp_covered_list_cost) as sp_covered_list_cost,
        sum(on_demand_list_cost) as on_demand_list_cost,
        sum(ri_covered_list_cost) as ri_covered_list_cost
    from group_usage
    group by payer_account_id, currency
),

expiring as (
    select
        payer_account_id,
        currency,
        sum(expiring_sp_list_cost) as expiring_sp_list_cost
    from profile
    group by payer_account_id, currency
),

percentiles as (
    select
        payer_account_id,
        currency,
        max(time_granularity) as time_granularity,
        {{ what_if_percentiles('residual_list_cost', 'cost') }},
        avg(residual_list_cost) as average_residual_list_cost
    from residual_by_group
    group by payer_account_id, currency
),

levels as (
    {{ what_if_level_rows() }}
),

rated_payers as (
    select
        percentiles.*,
        payer_usage.service_code,
        payer_usage.sp_covered_list_cost,
        payer_usage.on_demand_list_cost,
        coalesce(expiring.expiring_sp_list_cost, 0) as expiring_sp_list_cost,
        coalesce(observed_rates.effective_rate_ratio, fallback_rates.effective_rate_ratio) as effective_rate_ratio,
        case
            when observed_rates.effective_rate_ratio is not null then 'observed_service'
            when fallback_rates.effective_rate_ratio is not null then 'fallback_seed'
        end as rate_source
    from percentiles
    inner join payer_usage
        on percentiles.payer_account_id = payer_usage.payer_account_id and percentiles.currency = payer_usage.currency
    left join expiring
        on percentiles.payer_account_id = expiring.payer_account_id and percentiles.currency = expiring.currency
    left join observed_rates
        on payer_usage.service_code = observed_rates.service_code
    left join fallback_rates on 1 = 1
),

candidates as (
    select
        rated_payers.payer_account_id,
        rated_payers.currency,
        levels.candidate_level,
        levels.candidate_label,
        -- hourly commitment in Savings Plans dollars, in steps of 0.001 (AWS's smallest step)
        floor(
            {{ what_if_level_value('levels.candidate_level', 'rated_payers', 'cost') }}
            * rated_payers.effective_rate_ratio * 1000 + 0.000001
        ) / 1000 as hourly_commitment
    from rated_payers
    cross join levels
),

quantities as (
    select
        payer_account_id,
        currency,
        hourly_commitment,
        {{ what_if_candidate_flags() }}
    from candidates
    group by payer_account_id, currency, hourly_commitment
),

replayed as (
    select
        quantities.payer_account_id,
        quantities.currency,
        quantities.hourly_commitment,
        sum(
            least(
                residual_by_group.residual_list_cost,
                quantities.hourly_commitment / nullif(rated_payers.effective_rate_ratio, 0)
            )
        ) as used_list_cost,
        count(*) as profile_hours
    from quantities
    inner join rated_payers
        on quantities.payer_account_id = rated_payers.payer_account_id and quantities.currency = rated_payers.currency
    inner join residual_by_group
        on
            quantities.payer_account_id = residual_by_group.payer_account_id
            and quantities.currency = residual_by_group.currency
    group by quantities.payer_account_id, quantities.currency, quantities.hourly_commitment
)

select
    rated_payers.payer_account_id,
    rated_payers.currency,
    rated_payers.time_granularity,
    rated_payers.effective_rate_ratio,
    rated_payers.rate_source,
    rated_payers.average_residual_list_cost,
    rated_payers.sp_covered_list_cost,
    rated_payers.on_demand_list_cost,
    rated_payers.expiring_sp_list_cost,
    quantities.candidate_level,
    coalesce(quantities.candidate_label, 'recommended') as candidate_label,
    quantities.is_recommended,
    quantities.hourly_commitment,
    replayed.profile_hours,
    replayed.used_list_cost / replayed.profile_hours as expected_covered_list_cost_per_hour,
    replayed.used_list_cost * rated_payers.effective_rate_ratio
    / nullif(quantities.hourly_commitment * replayed.profile_hours, 0) as expected_utilization,
    (rated_payers.sp_covered_list_cost - rated_payers.expiring_sp_list_cost + replayed.used_list_cost)
    / nullif(rated_payers.sp_covered_list_cost + rated_payers.on_demand_list_cost, 0) as expected_sp_coverage,
    rated_payers.sp_covered_list_cost
    / nullif(rated_payers.sp_covered_list_cost + rated_payers.on_demand_list_cost, 0) as current_sp_coverage,
    quantities.hourly_commitment * {{ hours_per_month() }} as expected_monthly_commitment_cost,
    (replayed.used_list_cost / replayed.profile_hours - quantities.hourly_commitment)
    * {{ hours_per_month() }} as expected_monthly_savings
from quantities
inner join rated_payers
    on quantities.payer_account_id = rated_payers.payer_account_id and quantities.currency = rated_payers.currency
inner join replayed
    on
        quantities.payer_account_id = replayed.payer_account_id
        and quantities.currency = replayed.currency
        and quantities.hourly_commitment = replayed.hourly_commitment
