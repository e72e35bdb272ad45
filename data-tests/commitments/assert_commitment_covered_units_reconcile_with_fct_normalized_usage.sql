{#- The coverage mart and the normalized-usage mart count the same instance hours: per day × payer × currency ×
    service × family × region, RI-covered units = reserved units, SP-covered = savings_plan, Spot = spot, and
    on-demand + free-tier = on_demand + free_tier units of fct_normalized_usage. Failing rows show both sides. -#}

with

coverage as (
    select
        usage_date,
        payer_account_id,
        currency,
        service_code,
        coalesce(instance_family, '') as instance_family,
        coalesce(region, '') as region,
        sum(ri_covered_units) as reserved_units,
        sum(sp_covered_units) as savings_plan_units,
        sum(spot_units) as spot_units,
        sum(on_demand_units + free_tier_units) as other_units
    from {{ ref('fct_commitment_coverage') }}
    group by usage_date, payer_account_id, currency, service_code, coalesce(instance_family, ''), coalesce(region, '')
),

normalized_usage as (
    select
        usage_date,
        payer_account_id,
        currency,
        service_code,
        coalesce(instance_family, '') as instance_family,
        coalesce(region, '') as region,
        sum(case when pricing_model = 'reserved' then normalized_units else 0 end) as reserved_units,
        sum(case when pricing_model = 'savings_plan' then normalized_units else 0 end) as savings_plan_units,
        sum(case when pricing_model = 'spot' then normalized_units else 0 end) as spot_units,
        sum(case when pricing_model in ('on_demand', 'free_tier') then normalized_units else 0 end) as other_units
    from {{ ref('fct_normalized_usage') }}
    group by usage_date, payer_account_id, currency, service_code, coalesce(instance_family, ''), coalesce(region, '')
),

compared as (
    select
        coalesce(coverage.usage_date, normalized_usage.usage_date) as usage_date,
        coalesce(coverage.payer_account_id, normalized_usage.payer_account_id) as payer_account_id,
        coalesce(coverage.service_code, normalized_usage.service_code) as service_code,
        coalesce(coverage.instance_family, normalized_usage.instance_family) as instance_family,
        coalesce(coverage.region, normalized_usage.region) as region,
        coalesce(coverage.reserved_units, 0) as coverage_reserved_units,
        coalesce(normalized_usage.reserved_units, 0) as usage_reserved_units,
        coalesce(coverage.savings_plan_units, 0) as coverage_savings_plan_units,
        coalesce(normalized_usage.savings_plan_units, 0) as usage_savings_plan_units,
        coalesce(coverage.spot_units, 0) as coverage_spot_units,
        coalesce(normalized_usage.spot_units, 0) as usage_spot_units,
        coalesce(coverage.other_units, 0) as coverage_other_units,
        coalesce(normalized_usage.other_units, 0) as usage_other_units
    from coverage
    full outer join normalized_usage
        on
            coverage.usage_date = normalized_usage.usage_date
            and coverage.payer_account_id = normalized_usage.payer_account_id
            and coverage.currency = normalized_usage.currency
            and coverage.service_code = normalized_usage.service_code
            and coverage.instance_family = normalized_usage.instance_family
            and coverage.region = normalized_usage.region
)

select * from compared
where
    abs(coverage_reserved_units - usage_reserved_units) > {{ var('conservation_tolerance') }}
    or abs(coverage_savings_plan_units - usage_savings_plan_units) > {{ var('conservation_tolerance') }}
    or abs(coverage_spot_units - usage_spot_units) > {{ var('conservation_tolerance') }}
    or abs(coverage_other_units - usage_other_units) > {{ var('conservation_tolerance') }}
