{#- RI utilization (DESIGN: commitments): per reservation and billing period, the daily used units (DiscountedUsage
    it covered) add up to the reserved − unused units of its RIFee lines, and — once the period's data is
    complete — the daily reserved units to their reserved units. Failing rows show both sides. -#}

with

fees as (
    select * from {{ ref('int_commitment_fees') }}
    where commitment_type = 'reserved_instance' and reserved_units is not null
),

daily as (
    select
        commitment_id,
        billing_period,
        sum(reserved_units) as daily_reserved_units,
        sum(used_units) as daily_used_units
    from {{ ref('fct_commitment_utilization') }}
    where commitment_type = 'reserved_instance'
    group by commitment_id, billing_period
),

compared as (
    select
        fees.commitment_id,
        fees.billing_period,
        fees.is_period_complete,
        fees.reserved_units as fee_reserved_units,
        coalesce(daily.daily_reserved_units, 0) as daily_reserved_units,
        fees.reserved_units - fees.unused_units as fee_used_units,
        coalesce(daily.daily_used_units, 0) as daily_used_units
    from fees
    left join daily
        on fees.commitment_id = daily.commitment_id and fees.billing_period = daily.billing_period
)

select * from compared
where
    (is_period_complete and abs(fee_reserved_units - daily_reserved_units) > {{ var('commitment_tie_tolerance') }})
    or abs(fee_used_units - daily_used_units) > {{ var('commitment_tie_tolerance') }}
