{#- Savings opportunities detected in the recommender's window (docs: savings opportunity), one row each, with
    the monthly (730-hour) cost of what it is about and the estimated monthly savings at public on-demand
    rates. Keys as in int_savings_scope_daily. -#}

{%- set hours = hours_per_month() -%}

with

as_of as (
    select * from {{ ref('int_commitment_as_of') }}
),

recommendations as (
    select * from {{ ref('int_commitment_recommendations') }}
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

storage_and_network_lines as (
    select cost_lines.*
    from {{ ref('int_cost_lines') }} as cost_lines
    cross join as_of
    where
        cost_lines.usage_date between as_of.window_start_date and as_of.as_of_date
        and cost_lines.service_code = 'AmazonEC2'
        and (
            cost_lines.usage_type like '%VolumeUsage.gp2'
            or cost_lines.usage_type like '%VolumeUsage.gp3'
            or cost_lines.usage_type like '%NatGateway-Hours'
            or cost_lines.usage_type like '%NatGateway-Bytes'
        )
),

-- commitment purchases (the recommender)
purchases as (
    select
        case when commitment_type = 'reserved_instance' then 'ri_purchase' else 'sp_purchase' end
        || '|' || payer_account_id || '|' || coalesce(service_code, '*') || '|*|' || coalesce(region, '*')
        || '|' || commitment_group as opportunity_key,
        case when commitment_type = 'reserved_instance' then 'ri_purchase' else 'sp_purchase' end
            as opportunity_type,
        payer_account_id,
        currency,
        service_code,
        cast(null as {{ dbt.type_string() }}) as account_id,
        region,
        commitment_group as scope,
        case
            when commitment_type = 'reserved_instance'
                then
                    'buy ' || {{ number_to_text('recommended_instances', 0) }} || ' x '
                    || recommended_instance_type || ' ' || coalesce(platform, '') || ' reserved instances ('
                    || {{ number_to_text('term_years', 0) }} || ' yr, ' || payment_option || ', '
                    || offering || ')'
            else
                'commit ' || {{ number_to_text('hourly_commitment', 3) }}
                || ' per hour to a ' || offering || ' (' || {{ number_to_text('term_years', 0) }}
                || ' yr, ' || payment_option || ')'
        end as description,
        expected_monthly_commitment_cost as basis_monthly_cost,
        expected_monthly_savings as estimated_monthly_savings
    from recommendations
    where
        expected_monthly_savings > 0
        and (recommended_units > 0 or hourly_commitment > 0)
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
),

-- gp2 volumes
volume_rates as (
    select
        payer_account_id,
        currency,
        account_id,
        region,
        case when usage_type like '%VolumeUsage.gp2' then 'gp2' else 'gp3' end as volume_type,
        sum(on_demand) as list_cost,
        sum(on_demand) / nullif(sum(usage_amount), 0) as rate_per_gb_month
    from storage_and_network_lines
    where usage_type like '%VolumeUsage.gp2' or usage_type like '%VolumeUsage.gp3'
    group by
        payer_account_id,
        currency,
        account_id,
        region,
        case when usage_type like '%VolumeUsage.gp2' then 'gp2' else 'gp3' end
),

regional_gp3_rates as (
    select
        payer_account_id,
        currency,
        region,
        sum(list_cost) / nullif(sum(list_cost / rate_per_gb_month), 0) as rate_per_gb_month
    from volume_rates
    where volume_type = 'gp3' and rate_per_gb_month > 0
    group by payer_account_id, currency, region
),

gp2_volumes as (
    select
        'gp2_to_gp3|' || gp2.payer_account_id || '|AmazonEC2|' || gp2.account_id || '|' || coalesce(gp2.region, '*')
        || '|gp2' as opportunity_key,
        'gp2_to_gp3' as opportunity_type,
        gp2.payer_account_id,
        gp2.currency,
        'AmazonEC2' as service_code,
        gp2.account_id,
        gp2.region,
        'gp2' as scope,
        'change the EBS gp2 volumes of this account and region to gp3' as description,
        gp2.list_cost / as_of.window_hours * {{ hours }} as basis_monthly_cost,
        gp2.list_cost / as_of.window_hours * {{ hours }}
        * (
            1 - coalesce(
                regional_gp3_rates.rate_per_gb_month / nullif(gp2.rate_per_gb_month, 0), generation_map.price_ratio
            )
        ) as estimated_monthly_savings
    from volume_rates as gp2
    inner join generation_map
        on
            generation_map.service_code = 'AmazonEC2'
            and generation_map.resource_kind = 'volume_type'
            and generation_map.previous_generation = 'gp2'
    left join regional_gp3_rates
        on
            gp2.payer_account_id = regional_gp3_rates.payer_account_id
            and gp2.currency = regional_gp3_rates.currency
            and gp2.region = regional_gp3_rates.region
    cross join as_of
    where gp2.volume_type = 'gp2' and gp2.list_cost > 0
),

-- NAT gateways that process (almost) nothing
nat_gateways as (
    select
        payer_account_id,
        currency,
        account_id,
        region,
        resource_id,
        sum(on_demand) as list_cost,
        sum(case when usage_type like '%NatGateway-Bytes' then usage_amount else 0 end) as processed_gb,
        count(distinct case when usage_type like '%NatGateway-Hours' then usage_date end) as active_days
    from storage_and_network_lines
    where (usage_type like '%NatGateway-Hours' or usage_type like '%NatGateway-Bytes') and resource_id is not null
    group by payer_account_id, currency, account_id, region, resource_id
),

idle_nat_gateways as (
    select
        'idle_nat_gateway|' || nat_gateways.payer_account_id || '|AmazonEC2|' || nat_gateways.account_id || '|'
        || coalesce(nat_gateways.region, '*') || '|' || nat_gateways.resource_id as opportunity_key,
        'idle_nat_gateway' as opportunity_type,
        nat_gateways.payer_account_id,
        nat_gateways.currency,
        'AmazonEC2' as service_code,
        nat_gateways.account_id,
        nat_gateways.region,
        nat_gateways.resource_id as scope,
        'NAT gateway processed '
        || {{ number_to_text('nat_gateways.processed_gb / nat_gateways.active_days', 3) }}
        || ' GB a day: remove it or route through a shared one' as description,
        nat_gateways.list_cost / as_of.window_hours * {{ hours }} as basis_monthly_cost,
        nat_gateways.list_cost / as_of.window_hours * {{ hours }} as estimated_monthly_savings
    from nat_gateways
    cross join as_of
    where
        nat_gateways.active_days > 0
        and nat_gateways.processed_gb / nat_gateways.active_days < {{ var('nat_gateway_idle_gb_per_day') | float }}
)

select * from purchases
union all
select * from unused_commitments
union all
select * from previous_generation
where estimated_monthly_savings > 0
union all
select * from gp2_volumes
where estimated_monthly_savings > 0
union all
select * from idle_nat_gateways
