{#- Utilization is at most 1: per commitment and billing period, used ≤ reserved (reservations, in units) and
    used ≤ committed (Savings Plans, in dollars). Per day, a reservation may use at most one clock hour more than
    its active hours: AWS covers the whole hour in which it was bought. Failing rows say which check failed. -#}

with

utilization as (
    select * from {{ ref('fct_commitment_utilization') }}
),

commitments as (
    select * from {{ ref('dim_commitment') }}
),

monthly as (
    select
        commitment_id,
        billing_period,
        cast(null as date) as usage_date,
        'month' as grain,
        sum(case when commitment_type = 'reserved_instance' then used_units else used_cost end) as used,
        sum(case when commitment_type = 'reserved_instance' then reserved_units else committed_cost end)
            as available
    from utilization
    group by commitment_id, billing_period
),

daily as (
    select
        utilization.commitment_id,
        utilization.billing_period,
        utilization.usage_date,
        'day' as grain,
        utilization.used_units as used,
        utilization.reserved_units + coalesce(commitments.normalized_units_per_hour, 0) as available
    from utilization
    inner join commitments
        on utilization.commitment_id = commitments.commitment_id
    where utilization.commitment_type = 'reserved_instance'
),

checked as (
    select * from monthly
    union all
    select * from daily
)

select * from checked
where used > available + {{ var('commitment_tie_tolerance') }}
