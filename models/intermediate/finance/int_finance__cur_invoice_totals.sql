{#- What the current CUR delivery of each billing period and payer bills, per invoice and billing entity:
    the billed amount (Σ unblended cost, or Σ net unblended cost in net discount mode, DESIGN "discount
    mode") and its tax part. Read from the per-delivery totals the loader keeps, not from the line items. -#}

with

current_deliveries as (
    select * from {{ ref('int_finance__deliveries') }}
    where is_current
),

delivery_totals as (
    select * from {{ ref('stg_cur__delivery_totals') }}
),

line_item_types as (
    select * from {{ ref('cur_line_item_types') }}
),

current_totals as (
    select
        delivery_totals.*,
        coalesce(line_item_types.is_discount_line, false) as is_discount_line
    from delivery_totals
    inner join current_deliveries
        on
            delivery_totals.delivery_id = current_deliveries.delivery_id
            and delivery_totals.billing_period = current_deliveries.billing_period
            and delivery_totals.payer_account_id = current_deliveries.payer_account_id
    left join line_item_types
        on delivery_totals.line_item_type = line_item_types.line_item_type
),

-- discount line items make a period "line" mode; otherwise net columns make it "net" mode
discount_modes as (
    select
        billing_period,
        payer_account_id,
        case
            when sum(case when is_discount_line then 1 else 0 end) > 0 then 'line'
            when sum(case when net_unblended_cost is not null then 1 else 0 end) > 0 then 'net'
            else 'line'
        end as discount_mode
    from current_totals
    group by billing_period, payer_account_id
),

billed as (
    select
        current_totals.delivery_id,
        current_totals.billing_period,
        current_totals.payer_account_id,
        current_totals.invoice_id,
        current_totals.billing_entity,
        current_totals.currency,
        current_totals.line_item_type,
        discount_modes.discount_mode,
        current_totals.unblended_cost,
        case
            when discount_modes.discount_mode = 'net'
                then coalesce(current_totals.net_unblended_cost, current_totals.unblended_cost)
            else current_totals.unblended_cost
        end as billed_cost
    from current_totals
    inner join discount_modes
        on
            current_totals.billing_period = discount_modes.billing_period
            and current_totals.payer_account_id = discount_modes.payer_account_id
),

per_invoice as (
    select
        delivery_id,
        billing_period,
        payer_account_id,
        invoice_id,
        billing_entity,
        currency,
        discount_mode,
        sum(billed_cost) as cur_billed_cost,
        sum(case when line_item_type = 'Tax' then billed_cost else 0 end) as cur_tax,
        sum(unblended_cost) as cur_unblended_cost
    from billed
    group by delivery_id, billing_period, payer_account_id, invoice_id, billing_entity, currency, discount_mode
)

select * from per_invoice
