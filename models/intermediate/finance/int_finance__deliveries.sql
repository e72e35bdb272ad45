{#- Every CUR delivery of each billing period and payer, in the order they were loaded, with the delivery it
    replaced and whether it arrived after Finance closed the period. The first delivery of a period is the
    original; every later one is a restatement. -#}

with

deliveries as (
    select * from {{ ref('stg_cur__deliveries') }}
),

close_calendar as (
    select * from {{ ref('stg_finance__close_calendar') }}
),

sequenced as (
    select
        deliveries.delivery_id,
        deliveries.billing_period,
        deliveries.payer_account_id,
        deliveries.currency,
        deliveries.row_count,
        deliveries.total_unblended_cost,
        deliveries.total_public_on_demand_cost,
        deliveries.total_net_unblended_cost,
        deliveries.loaded_at,
        deliveries.superseded_at,
        deliveries.is_current,
        cast(row_number() over (
            partition by deliveries.billing_period, deliveries.payer_account_id
            order by deliveries.loaded_at, deliveries.delivery_id
        ) as bigint) as delivery_sequence,
        lag(deliveries.delivery_id) over (
            partition by deliveries.billing_period, deliveries.payer_account_id
            order by deliveries.loaded_at, deliveries.delivery_id
        ) as previous_delivery_id,
        lag(deliveries.loaded_at) over (
            partition by deliveries.billing_period, deliveries.payer_account_id
            order by deliveries.loaded_at, deliveries.delivery_id
        ) as previous_loaded_at,
        lag(deliveries.total_unblended_cost) over (
            partition by deliveries.billing_period, deliveries.payer_account_id
            order by deliveries.loaded_at, deliveries.delivery_id
        ) as previous_total_unblended_cost
    from deliveries
),

with_close as (
    select
        sequenced.*,
        sequenced.delivery_sequence > 1 as is_restatement,
        close_calendar.closed_on,
        coalesce(cast(sequenced.loaded_at as date) >= close_calendar.closed_on, false) as is_after_close
    from sequenced
    left join close_calendar
        on sequenced.billing_period = close_calendar.billing_period
)

select * from with_close
