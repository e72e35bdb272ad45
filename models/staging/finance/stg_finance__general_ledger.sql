with

source as (
    {{ finance_source_select('raw_finance_general_ledger') }}
),

renamed as (
    select
        {{ row_key(['period', 'source_file', 'source_line']) }} as ledger_line_key,
        cast(period as date) as ledger_period,
        cast(posting_date as date) as posting_date,
        gl_account,
        vendor,
        invoice_reference,
        amount,
        currency,
        memo,
        exchange_rate,
        source_file,
        source_line,
        loaded_at
    from source
)

select * from renamed
