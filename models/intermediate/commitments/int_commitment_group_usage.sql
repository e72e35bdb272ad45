{#- Per payer × currency × commitment group, over the recommender's window: what the group is (service, region,
    family, instance type when not size-flexible, platform, tenancy, deployment), its RI-covered, SP-covered and
    on-demand xlarge-normalized units and public on-demand cost, the average public on-demand cost of one
    on-demand unit-hour, and the purchase unit (units of one instance of the group's most used type). -#}

with

as_of as (
    select * from {{ ref('int_commitment_as_of') }}
),

usage_lines as (
    select
        usage_lines.*,
        {{ is_sp_eligible_service('usage_lines.service_code') }} as is_sp_eligible_service
    from {{ ref('int_commitment_usage_lines') }} as usage_lines
    cross join as_of
    where
        usage_lines.usage_start_at < as_of.window_end_at
        and usage_lines.usage_end_at > as_of.window_start_at
        and usage_lines.coverage_category in ('on_demand', 'ri_covered', 'sp_covered')
),

group_totals as (
    select
        payer_account_id,
        currency,
        commitment_group,
        max(service_code) as service_code,
        max(region) as region,
        max(instance_family) as instance_family,
        max(case when not is_size_flexible then instance_type end) as instance_type,
        max(platform) as platform,
        max(tenancy) as tenancy,
        max(case when not is_size_flexible then deployment_option end) as deployment_option,
        max(case when is_size_flexible then 1 else 0 end) = 1 as is_size_flexible,
        max(case when is_sp_eligible_service then 1 else 0 end) = 1 as is_sp_eligible_service,
        sum(case when coverage_category = 'ri_covered' then normalized_units else 0 end) as ri_covered_units,
        sum(case when coverage_category = 'sp_covered' then normalized_units else 0 end) as sp_covered_units,
        sum(case when coverage_category = 'on_demand' then normalized_units else 0 end) as on_demand_units,
        sum(case when coverage_category = 'ri_covered' then list_cost else 0 end) as ri_covered_list_cost,
        sum(case when coverage_category = 'sp_covered' then list_cost else 0 end) as sp_covered_list_cost,
        sum(case when coverage_category = 'on_demand' then list_cost else 0 end) as on_demand_list_cost
    from usage_lines
    group by payer_account_id, currency, commitment_group
),

-- the instance type that ran most (in units) in the group, and the units of one instance of it
type_usage as (
    select
        payer_account_id,
        currency,
        commitment_group,
        instance_type,
        max(normalization_factor_used) / 8 as units_per_instance,
        sum(normalized_units) as type_units
    from usage_lines
    where normalization_factor_used > 0
    group by payer_account_id, currency, commitment_group, instance_type
),

ranked_types as (
    select
        type_usage.*,
        row_number() over (
            partition by type_usage.payer_account_id, type_usage.currency, type_usage.commitment_group
            order by type_usage.type_units desc, type_usage.instance_type asc
        ) as type_rank
    from type_usage
)

select
    group_totals.*,
    group_totals.ri_covered_units + group_totals.sp_covered_units + group_totals.on_demand_units
        as eligible_units,
    group_totals.on_demand_list_cost / nullif(group_totals.on_demand_units, 0) as on_demand_rate_per_unit,
    ranked_types.instance_type as purchase_instance_type,
    ranked_types.units_per_instance as purchase_unit
from group_totals
left join ranked_types
    on
        group_totals.payer_account_id = ranked_types.payer_account_id
        and group_totals.currency = ranked_types.currency
        and group_totals.commitment_group = ranked_types.commitment_group
        and ranked_types.type_rank = 1
