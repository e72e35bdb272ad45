{#- A vintage (source + generated_at) is submitted once: from one loaded file or from the repository's seed,
    never both or twice. Otherwise two versions of the same vintage would mix, and the snapshot (timestamp
    strategy on generated_at) would record only one of them. -#}

with

submitted_files as (
    select distinct
        'usage' as forecast_kind,
        forecast_source,
        generated_at,
        submitted_via,
        source_file
    from {{ ref('stg_forecasts__usage_forecasts') }}
    union all
    select distinct
        'finance' as forecast_kind,
        forecast_source,
        generated_at,
        submitted_via,
        source_file
    from {{ ref('stg_forecasts__finance_forecasts') }}
)

select
    forecast_kind,
    forecast_source,
    generated_at,
    count(*) as files
from submitted_files
group by forecast_kind, forecast_source, generated_at
having count(*) > 1
