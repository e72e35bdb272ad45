{{ config(materialized='view') }}

{#- Savings opportunities on resources, found in the cost lines of the recommender's window (one row each, as
    in fct_savings_opportunities, which lists them with the others): EBS gp2 volumes that gp3 would
    make cheaper, and NAT gateways that process (almost) nothing. -#}

{%- set hours = hours_per_month() -%}

with

as_of as (
    select * from {{ ref('int_commitment_as_of') }}
),

generation_map as (
    select * from {{ ref('previous_generation_map') }}
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

select * from gp2_volumes
where estimated_monthly_savings > 0
union all
select * from idle_nat_gateways
