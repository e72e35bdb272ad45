{{ config(materialized='view') }}

{#- Savings opportunities on instances and the commitments that cover them, in the recommender's window (one row
    each, as in fct_savings_opportunities, which lists them with the others): commitments used below
    var('unused_commitment_max_utilization'), and previous-generation instance families. -#}

{%- set hours = hours_per_month() -%}

with

as_of as (
    select * from {{ ref('int_commitment_as_of') }}
),

utilization as (
    select utilization.*
    from {{ ref('int_commitment_utilization') }} as utilization
    cross join as_of
    where utilization.usage_date between as_of.window_start_date and as_of.as_of_date
),

commitments as (
    select * from {{ ref('int_commitments') }}
),

generation_map as (
    select * from {{ ref('previous_generation_map') }}
),

usage_lines as (
    select usage_lines.*
    from {{ ref('int_commitment_usage_lines') }} as usage_lines
    cross join as_of
    where
        usage_lines.usage_date between as_of.window_start_date and as_of.as_of_date
        and usage_lines.coverage_category in ('on_demand', 'ri_covered', 'sp_covered')
),

-- commitments used below the threshold over the window
commitment_use as (
    select
        commitment_id,
        sum(committed_cost) as committed_cost,
        sum(used_cost) as used_cost,
        sum(unused_cost) as unused_cost,
        sum(active_hours) as active_hours
    from utilization
    group by commitment_id
),

unused_commitments as (
    select
        'unused_commitment|' || commitments.payer_account_id || '|' || coalesce(commitments.service_code, '*')
        || '|' || coalesce(commitments.account_id, '*') || '|' || coalesce(commitments.region, '*') || '|'
        || commitments.commitment_id as opportunity_key,
        'unused_commitment' as opportunity_type,
        commitments.payer_account_id,
        commitments.currency,
        commitments.service_code,
        commitments.account_id,
        commitments.region,
        commitments.commitment_id as scope,
        commitments.commitment_type
        || ' '
        || coalesce(commitments.instance_type, commitments.savings_plan_offering_type, '')
        || ' used '
        || {{ number_to_text('100 * commitment_use.used_cost / commitment_use.committed_cost', 1) }}
        || ' %: move usage onto it, '
        || case
            when commitments.offering_class = 'convertible' then 'exchange it'
            when commitments.commitment_type = 'reserved_instance' then 'sell it on the RI Marketplace'
            else 'let it lapse'
        end as description,
        commitment_use.committed_cost / as_of.window_hours * {{ hours }} as basis_monthly_cost,
        commitment_use.unused_cost / as_of.window_hours * {{ hours }} as estimated_monthly_savings
    from commitment_use
    inner join commitments
        on commitment_use.commitment_id = commitments.commitment_id
    cross join as_of
    where
        commitment_use.unused_cost > 0
        and commitment_use.used_cost
        < {{ var('unused_commitment_max_utilization') | float }} * commitment_use.committed_cost
),

-- previous-generation instance families: price of the current equivalent seen in the data for the same
-- service, region and platform, else the seed's ratio
family_rates as (
    select
        payer_account_id,
        currency,
        service_code,
        region,
        instance_family,
        coalesce(platform, '*') as platform,
        sum(list_cost) as list_cost,
        sum(case when coverage_category = 'on_demand' then list_cost else 0 end)
        / nullif(sum(case when coverage_category = 'on_demand' then normalized_units else 0 end), 0)
            as on_demand_rate_per_unit
    from usage_lines
    group by payer_account_id, currency, service_code, region, instance_family, coalesce(platform, '*')
),

previous_generation_platforms as (
    select
        previous_family.payer_account_id,
        previous_family.currency,
        previous_family.service_code,
        previous_family.region,
        generation_map.previous_generation,
        generation_map.current_generation,
        previous_family.list_cost,
        coalesce(
            current_family.on_demand_rate_per_unit / nullif(previous_family.on_demand_rate_per_unit, 0),
            generation_map.price_ratio
        ) as price_ratio,
        case when current_family.on_demand_rate_per_unit is not null then 1 else 0 end as is_price_observed
    from family_rates as previous_family
    inner join generation_map
        on
            previous_family.service_code = generation_map.service_code
            and generation_map.resource_kind = 'instance_family'
            and previous_family.instance_family = generation_map.previous_generation
    left join family_rates as current_family
        on
            previous_family.payer_account_id = current_family.payer_account_id
            and previous_family.currency = current_family.currency
            and previous_family.service_code = current_family.service_code
            and previous_family.region = current_family.region
            and previous_family.platform = current_family.platform
            and generation_map.current_generation = current_family.instance_family
),

previous_generation as (
    select
        'previous_generation|' || previous_generation_platforms.payer_account_id || '|'
        || previous_generation_platforms.service_code || '|*|' || coalesce(previous_generation_platforms.region, '*')
        || '|' || previous_generation_platforms.previous_generation as opportunity_key,
        'previous_generation' as opportunity_type,
        previous_generation_platforms.payer_account_id,
        previous_generation_platforms.currency,
        previous_generation_platforms.service_code,
        cast(null as {{ dbt.type_string() }}) as account_id,
        previous_generation_platforms.region,
        previous_generation_platforms.previous_generation as scope,
        'move ' || previous_generation_platforms.previous_generation || ' instances to '
        || max(previous_generation_platforms.current_generation)
        || case
            when max(previous_generation_platforms.is_price_observed) = 1 then ' (prices seen in the data)'
            else ''
        end as description,
        sum(previous_generation_platforms.list_cost) / max(as_of.window_hours) * {{ hours }} as basis_monthly_cost,
        sum(previous_generation_platforms.list_cost * (1 - previous_generation_platforms.price_ratio))
        / max(as_of.window_hours) * {{ hours }} as estimated_monthly_savings
    from previous_generation_platforms
    cross join as_of
    group by
        previous_generation_platforms.payer_account_id,
        previous_generation_platforms.currency,
        previous_generation_platforms.service_code,
        previous_generation_platforms.region,
        previous_generation_platforms.previous_generation
)

select * from unused_commitments
union all
select * from previous_generation
where estimated_monthly_savings > 0
