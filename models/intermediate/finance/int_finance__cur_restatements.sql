{#- Each restatement (a later delivery of a billing period) against the delivery it replaced, per invoice,
    billing entity, account, service, line item type and currency, from the per-delivery totals the loader
    keeps. Groups present in only one of the two deliveries count as zero in the other. -#}

with

deliveries as (
    select * from {{ ref('int_finance__deliveries') }}
),

delivery_totals as (
    select * from {{ ref('stg_cur__delivery_totals') }}
),

restatements as (
    select *
    from deliveries
    where previous_delivery_id is not null
),

restated_side as (
    select
        restatements.delivery_id,
        delivery_totals.invoice_id,
        delivery_totals.billing_entity,
        delivery_totals.account_id,
        delivery_totals.service_code,
        delivery_totals.line_item_type,
        delivery_totals.currency,
        delivery_totals.row_count,
        cast(0 as bigint) as previous_row_count,
        delivery_totals.unblended_cost,
        cast(0 as double precision) as previous_unblended_cost,
        coalesce(delivery_totals.public_on_demand_cost, 0) as public_on_demand_cost,
        cast(0 as double precision) as previous_public_on_demand_cost
    from restatements
    inner join delivery_totals
        on
            restatements.delivery_id = delivery_totals.delivery_id
            and restatements.billing_period = delivery_totals.billing_period
            and restatements.payer_account_id = delivery_totals.payer_account_id
),

previous_side as (
    select
        restatements.delivery_id,
        delivery_totals.invoice_id,
        delivery_totals.billing_entity,
        delivery_totals.account_id,
        delivery_totals.service_code,
        delivery_totals.line_item_type,
        delivery_totals.currency,
        cast(0 as bigint) as row_count,
        delivery_totals.row_count as previous_row_count,
        cast(0 as double precision) as unblended_cost,
        delivery_totals.unblended_cost as previous_unblended_cost,
        cast(0 as double precision) as public_on_demand_cost,
        coalesce(delivery_totals.public_on_demand_cost, 0) as previous_public_on_demand_cost
    from restatements
    inner join delivery_totals
        on
            restatements.previous_delivery_id = delivery_totals.delivery_id
            and restatements.billing_period = delivery_totals.billing_period
            and restatements.payer_account_id = delivery_totals.payer_account_id
),

both_sides as (
    select * from restated_side
    union all
    select * from previous_side
),

compared as (
    select
        delivery_id,
        invoice_id,
        billing_entity,
        account_id,
        service_code,
        line_item_type,
        currency,
        sum(row_count) as row_count,
        sum(previous_row_count) as previous_row_count,
        sum(unblended_cost) as unblended_cost,
        sum(previous_unblended_cost) as previous_unblended_cost,
        sum(public_on_demand_cost) as public_on_demand_cost,
        sum(previous_public_on_demand_cost) as previous_public_on_demand_cost
    from both_sides
    group by delivery_id, invoice_id, billing_entity, account_id, service_code, line_item_type, currency
),

final as (
    select
        {{ row_key([
            'compared.delivery_id',
            'compared.invoice_id',
            'compared.billing_entity',
            'compared.account_id',
            'compared.service_code',
            'compared.line_item_type',
            'compared.currency',
        ]) }} as restatement_key,
        restatements.billing_period,
        restatements.payer_account_id,
        compared.delivery_id,
        restatements.previous_delivery_id,
        restatements.delivery_sequence,
        restatements.loaded_at,
        restatements.previous_loaded_at,
        restatements.is_current as is_current_delivery,
        restatements.closed_on,
        restatements.is_after_close,
        compared.invoice_id,
        compared.billing_entity,
        compared.account_id,
        compared.service_code,
        compared.line_item_type,
        compared.currency,
        cast(compared.row_count as bigint) as row_count,
        cast(compared.previous_row_count as bigint) as previous_row_count,
        compared.unblended_cost,
        compared.previous_unblended_cost,
        compared.unblended_cost - compared.previous_unblended_cost as unblended_cost_delta,
        compared.public_on_demand_cost,
        compared.previous_public_on_demand_cost,
        compared.public_on_demand_cost - compared.previous_public_on_demand_cost as public_on_demand_cost_delta,
        compared.unblended_cost <> compared.previous_unblended_cost
        or compared.public_on_demand_cost <> compared.previous_public_on_demand_cost
        or compared.row_count <> compared.previous_row_count as is_changed
    from compared
    inner join restatements
        on compared.delivery_id = restatements.delivery_id
)

select * from final
