{#- The cost (amortized) and, where it has one, the unit count of the scope of every possible savings
    opportunity, per day, keyed by the opportunity key (docs: opportunity key, realized savings). Realized
    savings compare these before and after an opportunity is done; the keys are built exactly as the
    opportunity list builds them, so a register row finds its scope even when the opportunity is no longer
    detected.
    Scopes: ri_purchase — the instance usage of a commitment group (+ its reservations' unused cost), per
    normalized unit; sp_purchase — Savings-Plans-eligible instance usage of a payer (+ unused Savings Plans), per
    public on-demand dollar; unused_commitment — a commitment's unused cost; previous_generation — usage of an
    older family and its current equivalent in a region, per normalized unit; gp2_to_gp3 — gp2 and gp3 volume
    storage of an account and region, per GB-month; idle_nat_gateway — a NAT gateway's charges. -#}

with

usage_lines as (
    select * from {{ ref('int_commitment_usage_lines') }}
    where coverage_category in ('on_demand', 'ri_covered', 'sp_covered')
),

commitment_days as (
    select * from {{ ref('int_commitment_daily') }}
),

commitments as (
    select * from {{ ref('int_commitments') }}
),

generation_map as (
    select * from {{ ref('previous_generation_map') }}
),

storage_and_network_lines as (
    select * from {{ ref('int_cost_lines') }}
    where
        service_code = 'AmazonEC2'
        and (
            usage_type like '%VolumeUsage.gp2'
            or usage_type like '%VolumeUsage.gp3'
            or usage_type like '%NatGateway-Hours'
            or usage_type like '%NatGateway-Bytes'
        )
),

unused_commitment_days as (
    select
        commitments.payer_account_id,
        commitments.currency,
        commitments.account_id,
        commitments.service_code,
        commitments.region,
        commitments.commitment_group,
        commitments.commitment_type,
        commitments.commitment_id,
        commitment_days.usage_date,
        commitment_days.committed_cost - commitment_days.used_cost as unused_cost
    from commitment_days
    inner join commitments
        on commitment_days.commitment_id = commitments.commitment_id
),

ri_purchase_scope as (
    select
        'ri_purchase|' || payer_account_id || '|' || service_code || '|*|' || coalesce(region, '*') || '|'
        || commitment_group as opportunity_key,
        payer_account_id,
        currency,
        usage_date,
        amortized_cost as scope_cost,
        normalized_units as scope_units
    from usage_lines
    union all
    select
        'ri_purchase|' || payer_account_id || '|' || service_code || '|*|' || coalesce(region, '*') || '|'
        || commitment_group as opportunity_key,
        payer_account_id,
        currency,
        usage_date,
        unused_cost as scope_cost,
        0 as scope_units
    from unused_commitment_days
    where commitment_type = 'reserved_instance'
),

sp_purchase_scope as (
    select
        'sp_purchase|' || payer_account_id || '|*|*|*|{{ var("commitment_sp_offering_type") }}' as opportunity_key,
        payer_account_id,
        currency,
        usage_date,
        amortized_cost as scope_cost,
        list_cost as scope_units
    from usage_lines
    where {{ is_sp_eligible_service('service_code') }}
    union all
    select
        'sp_purchase|' || payer_account_id || '|*|*|*|{{ var("commitment_sp_offering_type") }}' as opportunity_key,
        payer_account_id,
        currency,
        usage_date,
        unused_cost as scope_cost,
        0 as scope_units
    from unused_commitment_days
    where commitment_type = 'savings_plan'
),

unused_commitment_scope as (
    select
        'unused_commitment|' || payer_account_id || '|' || coalesce(service_code, '*') || '|'
        || coalesce(account_id, '*') || '|' || coalesce(region, '*') || '|' || commitment_id as opportunity_key,
        payer_account_id,
        currency,
        usage_date,
        unused_cost as scope_cost,
        cast(null as double precision) as scope_units
    from unused_commitment_days
),

previous_generation_scope as (
    select
        'previous_generation|' || usage_lines.payer_account_id || '|' || usage_lines.service_code || '|*|'
        || coalesce(usage_lines.region, '*') || '|' || generation_map.previous_generation as opportunity_key,
        usage_lines.payer_account_id,
        usage_lines.currency,
        usage_lines.usage_date,
        usage_lines.amortized_cost as scope_cost,
        usage_lines.normalized_units as scope_units
    from usage_lines
    inner join generation_map
        on
            usage_lines.service_code = generation_map.service_code
            and generation_map.resource_kind = 'instance_family'
            and usage_lines.instance_family in (generation_map.previous_generation, generation_map.current_generation)
),

gp2_scope as (
    select
        'gp2_to_gp3|' || payer_account_id || '|AmazonEC2|' || account_id || '|' || coalesce(region, '*')
        || '|gp2' as opportunity_key,
        payer_account_id,
        currency,
        usage_date,
        amortized_cost as scope_cost,
        usage_amount as scope_units
    from storage_and_network_lines
    where usage_type like '%VolumeUsage.gp2' or usage_type like '%VolumeUsage.gp3'
),

nat_scope as (
    select
        'idle_nat_gateway|' || payer_account_id || '|AmazonEC2|' || account_id || '|' || coalesce(region, '*')
        || '|' || resource_id as opportunity_key,
        payer_account_id,
        currency,
        usage_date,
        amortized_cost as scope_cost,
        cast(null as double precision) as scope_units
    from storage_and_network_lines
    where (usage_type like '%NatGateway-Hours' or usage_type like '%NatGateway-Bytes') and resource_id is not null
),

all_scopes as (
    select * from ri_purchase_scope
    union all
    select * from sp_purchase_scope
    union all
    select * from unused_commitment_scope
    union all
    select * from previous_generation_scope
    union all
    select * from gp2_scope
    union all
    select * from nat_scope
)

select
    opportunity_key,
    payer_account_id,
    currency,
    usage_date,
    sum(scope_cost) as scope_cost,
    sum(scope_units) as scope_units
from all_scopes
group by opportunity_key, payer_account_id, currency, usage_date
