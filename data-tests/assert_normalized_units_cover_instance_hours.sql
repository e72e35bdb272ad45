{#- Normalized units are given to at least var('normalized_units_min_share') of the instance-hour lines of
    EC2, RDS and ElastiCache in every billing period; the rest are flagged nu_source = 'none'. -#}

with

coverage as (
    select
        billing_period,
        payer_account_id,
        service_code,
        count(*) as instance_hour_lines,
        sum(case when nu_source <> 'none' then 1 else 0 end) as lines_with_units
    from {{ ref('int_normalized_usage') }}
    where service_code in ('AmazonEC2', 'AmazonRDS', 'AmazonElastiCache')
    group by billing_period, payer_account_id, service_code
)

select
    billing_period,
    payer_account_id,
    service_code,
    instance_hour_lines,
    lines_with_units
from coverage
where lines_with_units < {{ var('normalized_units_min_share') }} * instance_hour_lines
