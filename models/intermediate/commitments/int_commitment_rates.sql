{#- Effective rates of commitments observed in the data, as a share of the public on-demand rate of the usage
    they covered (effective cost ÷ public on-demand cost), up to the as-of date: reservations by service ×
    family × term × payment option × offering class and by service × term × payment option × offering class;
    Savings Plans by type × term × payment option (and × family). Each also by platform (Windows or licensed
    engines get a smaller discount on their list price), with `*` for all platforms together. The recommender
    uses them before the fallback seed. -#}

with

as_of as (
    select * from {{ ref('int_commitment_as_of') }}
),

-- each commitment's terms from its latest billing period's fees, as in int_commitments (read from the fees,
-- one step earlier in the DAG)
commitment_periods as (
    select
        fees.commitment_id,
        fees.commitment_type,
        {{ term_in_years('fees.term') }} as term_years,
        fees.payment_option,
        fees.offering_class,
        fees.savings_plan_offering_type,
        {{ commitment_period_rank('fees') }} as period_rank
    from {{ ref('int_commitment_fees') }} as fees
),

commitments as (
    select * from commitment_periods
    where period_rank = 1
),

covered_lines as (
    select usage_lines.*
    from {{ ref('int_commitment_usage_lines') }} as usage_lines
    cross join as_of
    where
        usage_lines.coverage_category in ('ri_covered', 'sp_covered')
        and usage_lines.usage_date <= as_of.as_of_date
        and usage_lines.list_cost > 0
),

described_lines as (
    select
        covered_lines.service_code,
        covered_lines.instance_family,
        coalesce(covered_lines.platform, '*') as platform,
        commitments.commitment_type,
        commitments.term_years,
        commitments.payment_option,
        case
            when commitments.commitment_type = 'savings_plan' then commitments.savings_plan_offering_type
            else coalesce(commitments.offering_class, 'standard')
        end as offering,
        covered_lines.commitment_effective_cost,
        covered_lines.list_cost
    from covered_lines
    inner join commitments
        on coalesce(covered_lines.reservation_arn, covered_lines.savings_plan_arn) = commitments.commitment_id
),

by_family as (
    select
        commitment_type,
        service_code,
        instance_family,
        platform,
        offering,
        term_years,
        payment_option,
        'observed_family' as rate_source,
        sum(commitment_effective_cost) / sum(list_cost) as effective_rate_ratio,
        sum(list_cost) as observed_list_cost
    from described_lines
    group by commitment_type, service_code, instance_family, platform, offering, term_years, payment_option
),

by_service as (
    select
        commitment_type,
        service_code,
        '*' as instance_family,
        platform,
        offering,
        term_years,
        payment_option,
        'observed_service' as rate_source,
        sum(commitment_effective_cost) / sum(list_cost) as effective_rate_ratio,
        sum(list_cost) as observed_list_cost
    from described_lines
    group by commitment_type, service_code, platform, offering, term_years, payment_option
),

all_platforms as (
    select
        commitment_type,
        service_code,
        '*' as instance_family,
        '*' as platform,
        offering,
        term_years,
        payment_option,
        'observed_service' as rate_source,
        sum(commitment_effective_cost) / sum(list_cost) as effective_rate_ratio,
        sum(list_cost) as observed_list_cost
    from described_lines
    group by commitment_type, service_code, offering, term_years, payment_option
)

select * from by_family
union all
select * from by_service
union all
select * from all_platforms
