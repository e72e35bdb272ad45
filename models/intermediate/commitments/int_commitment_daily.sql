{#- One row per commitment and day it was active, per billing period (DESIGN: RI / SP utilization).
    Reservations: RIFee lines are monthly, so the month's reserved units (RIFee) are spread over the days in
    proportion to the hours the reservation was active each day (from its start and end, inside the billing
    period) — units per hour × active hours, adjusted so the month ties to the RIFee lines even where they count
    the purchase hour whole — and the used units are the DiscountedUsage units it covered that day. The cost
    of a reserved unit is the month's fee (amortized upfront + recurring) ÷ its reserved units.
    Savings Plans: the commitment of each fee line is spread over the clock hours the line covers, and the used
    commitment of a day is the Savings Plan effective cost of the usage it covered that day (any service).

    Longer than ~200 lines on purpose: reservations and Savings Plans are the two halves of one grain that its
    unit test checks together (spread fees, active hours, used units or dollars); as two models and a union it
    would add a level to the commitment chain that utilization and the savings scope read. -#}

with

fees as (
    select * from {{ ref('int_commitment_fees') }}
),

usage_lines as (
    select * from {{ ref('int_commitment_usage_lines') }}
    where coverage_category = 'ri_covered'
),

savings_plan_lines as (
    select * from {{ ref('stg_cur__line_items') }}
    where line_item_type in ('SavingsPlanCoveredUsage', 'SavingsPlanRecurringFee') and savings_plan_arn is not null
),

day_numbers as (
    {{ number_series(32) }}
),

-- reservations: the interval the month's reserved units are spread over. The RIFee lines of a month still open
-- cover either the hours up to the end of the data or the whole month: whichever their reserved hours match.
reservation_spans as (
    select
        fees.*,
        case
            when
                fees.reserved_instance_hours / nullif(fees.number_of_reservations, 0)
                > {{ hours_between('fees.active_start_at', 'fees.active_end_at') }} + 1
                then fees.period_active_end_at
            else fees.active_end_at
        end as spread_end_at
    from fees
    where fees.commitment_type = 'reserved_instance'
),

-- … and the days of each billing period with the hours the reservation was active (up to the end of the data)
reservation_days as (
    select
        reservation_spans.commitment_id,
        reservation_spans.billing_period,
        cast(reservation_spans.billing_period + day_numbers.number_in_series as date) as usage_date,
        {{ hours_between('reservation_spans.active_start_at', 'reservation_spans.spread_end_at') }}
            as spread_hours,
        {{ overlap_hours(
            'reservation_spans.active_start_at',
            'reservation_spans.active_end_at',
            'cast(reservation_spans.billing_period + day_numbers.number_in_series as timestamp)',
            'cast(reservation_spans.billing_period + day_numbers.number_in_series + 1 as timestamp)',
        ) }} as active_hours
    from reservation_spans
    cross join day_numbers
    where reservation_spans.billing_period + day_numbers.number_in_series < reservation_spans.billing_period_end
),

reservation_used as (
    select
        reservation_arn as commitment_id,
        billing_period,
        usage_date,
        sum(normalized_units) as used_units,
        sum(usage_hours) as used_instance_hours,
        sum(list_cost) as used_list_cost
    from usage_lines
    group by reservation_arn, billing_period, usage_date
),

reservation_daily as (
    select
        fees.commitment_id,
        fees.commitment_type,
        fees.billing_period,
        reservation_days.usage_date,
        reservation_days.active_hours,
        coalesce(
            fees.reserved_units * reservation_days.active_hours / nullif(reservation_days.spread_hours, 0),
            fees.units_per_hour * reservation_days.active_hours
        ) as reserved_units,
        coalesce(reservation_used.used_units, 0) as used_units,
        coalesce(reservation_used.used_list_cost, 0) as used_list_cost,
        fees.commitment_cost / nullif(fees.reserved_units, 0) as cost_per_reserved_unit
    from fees
    inner join reservation_days
        on
            fees.commitment_id = reservation_days.commitment_id
            and fees.billing_period = reservation_days.billing_period
    left join reservation_used
        on
            reservation_days.commitment_id = reservation_used.commitment_id
            and reservation_days.billing_period = reservation_used.billing_period
            and reservation_days.usage_date = reservation_used.usage_date
    where reservation_days.active_hours > 0 or reservation_used.used_units is not null
),

-- Savings Plans: each fee line's commitment spread over the days of the clock hours it covers
savings_plan_fee_lines as (
    select
        savings_plan_arn as commitment_id,
        billing_period,
        usage_start_at,
        greatest(
            coalesce(usage_end_at, usage_start_at + interval '1 hour'),
            usage_start_at + interval '1 second'
        ) as usage_end_at,
        coalesce(savings_plan_total_commitment_to_date, 0) as total_commitment
    from savings_plan_lines
    where line_item_type = 'SavingsPlanRecurringFee'
),

savings_plan_fee_days as (
    select
        savings_plan_fee_lines.commitment_id,
        savings_plan_fee_lines.billing_period,
        cast(savings_plan_fee_lines.billing_period + day_numbers.number_in_series as date) as usage_date,
        savings_plan_fee_lines.total_commitment
        * {{ overlap_hours(
            'savings_plan_fee_lines.usage_start_at',
            'savings_plan_fee_lines.usage_end_at',
            'cast(savings_plan_fee_lines.billing_period + day_numbers.number_in_series as timestamp)',
            'cast(savings_plan_fee_lines.billing_period + day_numbers.number_in_series + 1 as timestamp)',
        ) }}
        / {{ hours_between('savings_plan_fee_lines.usage_start_at', 'savings_plan_fee_lines.usage_end_at') }}
            as committed_cost,
        {{ overlap_hours(
            'savings_plan_fee_lines.usage_start_at',
            'savings_plan_fee_lines.usage_end_at',
            'cast(savings_plan_fee_lines.billing_period + day_numbers.number_in_series as timestamp)',
            'cast(savings_plan_fee_lines.billing_period + day_numbers.number_in_series + 1 as timestamp)',
        ) }} as active_hours
    from savings_plan_fee_lines
    inner join day_numbers
        on
            savings_plan_fee_lines.usage_start_at
            < cast(savings_plan_fee_lines.billing_period + day_numbers.number_in_series + 1 as timestamp)
            and savings_plan_fee_lines.usage_end_at
            > cast(savings_plan_fee_lines.billing_period + day_numbers.number_in_series as timestamp)
),

savings_plan_committed as (
    select
        commitment_id,
        billing_period,
        usage_date,
        sum(committed_cost) as committed_cost,
        least(sum(active_hours), 24) as active_hours
    from savings_plan_fee_days
    group by commitment_id, billing_period, usage_date
),

savings_plan_used as (
    select
        savings_plan_arn as commitment_id,
        billing_period,
        usage_date,
        sum(coalesce(savings_plan_effective_cost, 0)) as used_cost,
        sum(coalesce(public_on_demand_cost, 0)) as used_list_cost
    from savings_plan_lines
    where line_item_type = 'SavingsPlanCoveredUsage'
    group by savings_plan_arn, billing_period, usage_date
),

savings_plan_daily as (
    select
        coalesce(savings_plan_committed.commitment_id, savings_plan_used.commitment_id) as commitment_id,
        'savings_plan' as commitment_type,
        coalesce(savings_plan_committed.billing_period, savings_plan_used.billing_period) as billing_period,
        coalesce(savings_plan_committed.usage_date, savings_plan_used.usage_date) as usage_date,
        coalesce(savings_plan_committed.active_hours, 0) as active_hours,
        coalesce(savings_plan_committed.committed_cost, 0) as committed_cost,
        coalesce(savings_plan_used.used_cost, 0) as used_cost,
        coalesce(savings_plan_used.used_list_cost, 0) as used_list_cost
    from savings_plan_committed
    full outer join savings_plan_used
        on
            savings_plan_committed.commitment_id = savings_plan_used.commitment_id
            and savings_plan_committed.billing_period = savings_plan_used.billing_period
            and savings_plan_committed.usage_date = savings_plan_used.usage_date
),

final as (
    select
        commitment_id,
        commitment_type,
        billing_period,
        usage_date,
        active_hours,
        reserved_units,
        used_units,
        reserved_units * cost_per_reserved_unit as committed_cost,
        used_units * cost_per_reserved_unit as used_cost,
        used_list_cost
    from reservation_daily
    union all
    select
        commitment_id,
        commitment_type,
        billing_period,
        usage_date,
        active_hours,
        cast(null as double precision) as reserved_units,
        cast(null as double precision) as used_units,
        committed_cost,
        used_cost,
        used_list_cost
    from savings_plan_daily
)

select * from final
