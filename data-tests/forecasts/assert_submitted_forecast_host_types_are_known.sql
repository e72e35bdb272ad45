{#- Every host type a submitted usage forecast names is one the CUR and the mapping seeds know
    (dim_host_type). A failing row names the host type, the source and the file. -#}

with

usage_forecasts as (
    select * from {{ ref('stg_forecasts__usage_forecasts') }}
),

host_types as (
    select * from {{ ref('dim_host_type') }}
),

unknown_host_types as (
    select
        usage_forecasts.host_type,
        usage_forecasts.forecast_source,
        usage_forecasts.source_file,
        count(*) as forecast_rows
    from usage_forecasts
    left join host_types
        on usage_forecasts.host_type = host_types.host_type
    where host_types.host_type is null
    group by
        usage_forecasts.host_type,
        usage_forecasts.forecast_source,
        usage_forecasts.source_file
)

select * from unknown_host_types
