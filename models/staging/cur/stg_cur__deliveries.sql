with

source as (
    select * from {{ source('cur', 'raw_cur_deliveries') }}
),

renamed as (
    select
        {{ row_key(['delivery_id', 'billing_period', 'payer_account_id']) }} as delivery_key,
        delivery_id,
        cast(billing_period as date) as billing_period,
        payer_account_id,
        currency,
        source_format,
        source_files,
        cast(row_count as bigint) as row_count,
        total_unblended_cost,
        total_public_on_demand_cost,
        total_net_unblended_cost,
        loaded_at,
        superseded_at,
        superseded_at is null as is_current
    from source
)

select * from renamed
