with

source as (
    {{ finance_source_select('raw_finance_business_volumes') }}
),

renamed as (
    select
        {{ row_key(['volume_date', 'metric_name']) }} as business_volume_key,
        cast(volume_date as date) as volume_date,
        metric_name,
        value as volume,
        source_file,
        source_line,
        loaded_at
    from source
)

select * from renamed
