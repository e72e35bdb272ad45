{#- Commitment utilization per day × commitment (DESIGN: RI / SP utilization). Reservations in
    xlarge-normalized units: used (DiscountedUsage units it covered) / reserved (its units × the hours it was
    active that day); the month ties to its RIFee lines (reserved − unused = used). Savings Plans in dollars:
    used commitment / commitment. Costs are amortized: the committed cost of a reservation-day is its share of
    the month's fee; unused cost is what nobody used. -#}

with

daily as (
    select * from {{ ref('int_commitment_daily') }}
),

commitments as (
    select * from {{ ref('int_commitments') }}
),

joined as (
    select
        daily.*,
        commitments.payer_account_id,
        commitments.account_id,
        commitments.currency,
        commitments.service_code,
        commitments.region,
        commitments.instance_family,
        commitments.commitment_end_at,
        commitments.is_expiring_soon
    from daily
    inner join commitments
        on daily.commitment_id = commitments.commitment_id
)

select
    {{ row_key(['commitment_id', 'billing_period', 'usage_date']) }} as utilization_key,
    usage_date,
    billing_period,
    commitment_id,
    commitment_type,
    payer_account_id,
    account_id,
    currency,
    service_code,
    region,
    instance_family,
    cast(active_hours as double precision) as active_hours,
    cast(reserved_units as double precision) as reserved_units,
    cast(used_units as double precision) as used_units,
    cast(reserved_units - used_units as double precision) as unused_units,
    cast(committed_cost as double precision) as committed_cost,
    cast(used_cost as double precision) as used_cost,
    cast(committed_cost - used_cost as double precision) as unused_cost,
    cast(
        case
            when commitment_type = 'reserved_instance' then used_units / nullif(reserved_units, 0)
            else used_cost / nullif(committed_cost, 0)
        end as double precision
    ) as utilization,
    cast(used_list_cost as double precision) as used_list_cost,
    cast(used_list_cost - committed_cost as double precision) as net_savings,
    commitment_end_at,
    cast(
        floor({{ hours_between('cast(usage_date + 1 as timestamp)', 'commitment_end_at') }} / 24) as integer
    ) as days_to_expiry,
    is_expiring_soon
from joined
