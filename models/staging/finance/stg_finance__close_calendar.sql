with

source as (
    {{ finance_source_select('raw_finance_close_calendar') }}
),

renamed as (
    select
        cast(billing_period as date) as billing_period,
        cast(closed_on as date) as closed_on,
        source_file,
        source_line,
        loaded_at
    from source
)

select * from renamed
