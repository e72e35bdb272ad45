{#- Commitment coverage per day × payer × currency × service × instance family × region (DESIGN: commitments).
    RI coverage in xlarge-normalized units = RI-covered / (RI-covered + SP-covered + on-demand units);
    SP coverage in public on-demand cost = SP-covered / (SP-covered + on-demand usage of SP-eligible services);
    commitment coverage (CID) = RI- or SP-covered / (RI-covered + SP-covered + on-demand), in public on-demand
    cost. Spot and free-tier hours are in neither numerator nor denominator. Each coverage is joined to the
    target in force that day (the most specific row of the targets seed: the family's own, else the service's). -#}

{%- set coverage_categories = ['ri_covered', 'sp_covered', 'on_demand', 'spot', 'free_tier'] -%}

with

usage_lines as (
    select * from {{ ref('int_commitment_usage_lines') }}
),

targets as (
    select * from {{ ref('commitment_coverage_targets') }}
),

daily as (
    select
        usage_date,
        billing_period,
        payer_account_id,
        currency,
        service_code,
        instance_family,
        region,
        {%- for kind in coverage_categories %}
            sum(case when coverage_category = '{{ kind }}' then normalized_units else 0 end) as {{ kind }}_units,
        {%- endfor %}
        {%- for kind in coverage_categories %}
            sum(case when coverage_category = '{{ kind }}' then list_cost else 0 end) as {{ kind }}_list_cost,
        {%- endfor %}
        sum(
            case
                when coverage_category = 'on_demand' and {{ is_sp_eligible_service('service_code') }} then list_cost
                else 0
            end
        )
            as sp_eligible_on_demand_list_cost
    from usage_lines
    group by
        usage_date,
        billing_period,
        payer_account_id,
        currency,
        service_code,
        instance_family,
        region
),

keyed as (
    select
        {{ row_key([
            'usage_date', 'billing_period', 'payer_account_id', 'currency', 'service_code', 'instance_family',
            'region',
        ]) }} as coverage_key,
        daily.*
    from daily
),

matched_targets as (
    select
        keyed.coverage_key,
        targets.metric,
        targets.target,
        row_number() over (
            partition by keyed.coverage_key, targets.metric
            order by case when targets.instance_family = '*' then 1 else 0 end, targets.valid_from desc
        ) as match_rank
    from keyed
    inner join targets
        on
            keyed.service_code = targets.service_code
            and (keyed.instance_family = targets.instance_family or targets.instance_family = '*')
            and keyed.usage_date >= targets.valid_from
            and (targets.valid_to is null or keyed.usage_date < targets.valid_to)
),

pivoted_targets as (
    select
        coverage_key,
        max(case when metric = 'ri_coverage' then target end) as ri_coverage_target,
        max(case when metric = 'sp_coverage' then target end) as sp_coverage_target,
        max(case when metric = 'commitment_coverage' then target end) as commitment_coverage_target
    from matched_targets
    where match_rank = 1
    group by coverage_key
),

coverage as (
    select
        keyed.*,
        keyed.ri_covered_units
        / nullif(keyed.ri_covered_units + keyed.sp_covered_units + keyed.on_demand_units, 0) as ri_coverage,
        keyed.sp_covered_list_cost
        / nullif(keyed.sp_covered_list_cost + keyed.sp_eligible_on_demand_list_cost, 0) as sp_coverage,
        (keyed.ri_covered_list_cost + keyed.sp_covered_list_cost)
        / nullif(keyed.ri_covered_list_cost + keyed.sp_covered_list_cost + keyed.on_demand_list_cost, 0)
            as commitment_coverage,
        pivoted_targets.ri_coverage_target,
        pivoted_targets.sp_coverage_target,
        pivoted_targets.commitment_coverage_target
    from keyed
    left join pivoted_targets
        on keyed.coverage_key = pivoted_targets.coverage_key
)

select
    coverage_key,
    usage_date,
    billing_period,
    payer_account_id,
    currency,
    service_code,
    instance_family,
    region,
    cast(ri_covered_units as double precision) as ri_covered_units,
    cast(sp_covered_units as double precision) as sp_covered_units,
    cast(on_demand_units as double precision) as on_demand_units,
    cast(spot_units as double precision) as spot_units,
    cast(free_tier_units as double precision) as free_tier_units,
    cast(ri_covered_list_cost as double precision) as ri_covered_list_cost,
    cast(sp_covered_list_cost as double precision) as sp_covered_list_cost,
    cast(on_demand_list_cost as double precision) as on_demand_list_cost,
    cast(spot_list_cost as double precision) as spot_list_cost,
    cast(free_tier_list_cost as double precision) as free_tier_list_cost,
    cast(sp_eligible_on_demand_list_cost as double precision) as sp_eligible_on_demand_list_cost,
    cast(ri_coverage as double precision) as ri_coverage,
    cast(sp_coverage as double precision) as sp_coverage,
    cast(commitment_coverage as double precision) as commitment_coverage,
    cast(ri_coverage_target as double precision) as ri_coverage_target,
    cast(ri_coverage - ri_coverage_target as double precision) as ri_coverage_gap,
    cast(sp_coverage_target as double precision) as sp_coverage_target,
    cast(sp_coverage - sp_coverage_target as double precision) as sp_coverage_gap,
    cast(commitment_coverage_target as double precision) as commitment_coverage_target,
    cast(commitment_coverage - commitment_coverage_target as double precision) as commitment_coverage_gap
from coverage
