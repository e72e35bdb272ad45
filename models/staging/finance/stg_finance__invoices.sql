with

source as (
    {{ finance_source_select('raw_finance_invoices') }}
),

renamed as (
    select
        {{ row_key(['invoice_id', 'billing_entity']) }} as invoice_key,
        invoice_id,
        cast(billing_period as date) as billing_period,
        billing_entity,
        invoicing_entity,
        payer_account_id,
        currency,
        amount_before_tax,
        tax as tax_amount,
        total as total_amount,
        cast(issue_date as date) as issue_date,
        exchange_rate,
        source_file,
        source_line,
        loaded_at
    from source
)

select * from renamed
