with

source as (
    select * from {{ source('cur', 'raw_cur_delivery_totals') }}
),

renamed as (
    select
        {{ row_key([
            'delivery_id',
            'billing_period',
            'payer_account_id',
            'invoice_id',
            'billing_entity',
            'usage_account_id',
            'product_code',
            'line_item_type',
            'currency',
        ]) }} as delivery_total_key,
        delivery_id,
        cast(billing_period as date) as billing_period,
        payer_account_id,
        invoice_id,
        billing_entity,
        usage_account_id as account_id,
        product_code as service_code,
        line_item_type,
        currency,
        cast(row_count as bigint) as row_count,
        unblended_cost,
        public_on_demand_cost,
        net_unblended_cost
    from source
)

select * from renamed
