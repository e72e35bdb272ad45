{#- The forecast snapshots only move forward: a generation date earlier than vintages they already hold
    would record some targets of an old vintage a second time (and close newer rows). Replay runs forward
    from empty snapshots (`cloudcost replay --reset`). A failing row names the forecast and vintage recorded
    twice. -#}

with

recorded as (
    select
        'snp_usage_forecasts' as snapshot_name,
        forecast_key,
        forecast_source,
        generated_at
    from {{ ref('snp_usage_forecasts') }}
    union all
    select
        'snp_cost_forecasts' as snapshot_name,
        forecast_key,
        forecast_source,
        generated_at
    from {{ ref('snp_cost_forecasts') }}
)

select
    snapshot_name,
    forecast_key,
    forecast_source,
    generated_at,
    count(*) as times_recorded
from recorded
group by snapshot_name, forecast_key, forecast_source, generated_at
having count(*) > 1
