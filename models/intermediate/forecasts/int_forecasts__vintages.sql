{#- Every vintage of every forecast source, flattened from the forecast snapshots: one row per source,
    vintage (generated_at), grain and target. The vintage time is the row's own generated_at, never the
    snapshot's validity timestamps (an invalidated row's dbt_valid_to is wall-clock time). Backtest vintages
    (`cloudcost backtest`, sources named `backtest:…`) are added from their raw table with is_backtest. -#}

with

usage_vintages as (
    select
        snapshot_rows.forecast_key,
        snapshot_rows.forecast_source,
        'usage' as forecast_kind,
        snapshot_rows.generated_at,
        snapshot_rows.forecast_grain,
        snapshot_rows.grain_key,
        snapshot_rows.target_date,
        {{ month_start('snapshot_rows.target_date') }} as forecast_month,
        snapshot_rows.host_type,
        snapshot_rows.team,
        snapshot_rows.instance_family,
        snapshot_rows.region,
        cast(null as {{ dbt.type_string() }}) as service_code,
        cast(null as {{ dbt.type_string() }}) as pricing_model,
        cast(null as {{ dbt.type_string() }}) as currency,
        snapshot_rows.normalized_units,
        snapshot_rows.lower_bound,
        snapshot_rows.upper_bound,
        cast(null as double precision) as public_on_demand_cost,
        cast(null as double precision) as expected_discount_rate,
        cast(null as double precision) as net_cost,
        false as is_backtest
    from {{ ref('snp_usage_forecasts') }} as snapshot_rows
),

backtest_vintages as (
    select
        backtests.forecast_key,
        backtests.forecast_source,
        'usage' as forecast_kind,
        backtests.generated_at,
        'host_type' as forecast_grain,
        backtests.grain_key,
        backtests.target_date,
        {{ month_start('backtests.target_date') }} as forecast_month,
        backtests.host_type,
        cast(null as {{ dbt.type_string() }}) as team,
        cast(null as {{ dbt.type_string() }}) as instance_family,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as {{ dbt.type_string() }}) as service_code,
        cast(null as {{ dbt.type_string() }}) as pricing_model,
        cast(null as {{ dbt.type_string() }}) as currency,
        backtests.normalized_units,
        backtests.lower_bound,
        backtests.upper_bound,
        cast(null as double precision) as public_on_demand_cost,
        cast(null as double precision) as expected_discount_rate,
        cast(null as double precision) as net_cost,
        true as is_backtest
    from {{ ref('stg_forecasts__backtest_forecasts') }} as backtests
),

cost_vintages as (
    select
        snapshot_rows.forecast_key,
        snapshot_rows.forecast_source,
        'cost' as forecast_kind,
        snapshot_rows.generated_at,
        snapshot_rows.forecast_grain,
        snapshot_rows.grain_key,
        snapshot_rows.target_date,
        snapshot_rows.forecast_month,
        cast(null as {{ dbt.type_string() }}) as host_type,
        cast(null as {{ dbt.type_string() }}) as team,
        snapshot_rows.instance_family,
        cast(null as {{ dbt.type_string() }}) as region,
        snapshot_rows.service_code,
        snapshot_rows.pricing_model,
        snapshot_rows.currency,
        cast(null as double precision) as normalized_units,
        cast(null as double precision) as lower_bound,
        cast(null as double precision) as upper_bound,
        snapshot_rows.public_on_demand_cost,
        snapshot_rows.expected_discount_rate,
        snapshot_rows.net_cost,
        false as is_backtest
    from {{ ref('snp_cost_forecasts') }} as snapshot_rows
),

vintages as (
    select * from usage_vintages
    union all
    select * from cost_vintages
    union all
    select * from backtest_vintages
),

with_horizon as (
    select
        vintages.*,
        cast(vintages.generated_at as date) as generation_date,
        {{ days_between('cast(vintages.generated_at as date)', 'vintages.target_date') }} as horizon_days
    from vintages
)

select
    {{ row_key(['forecast_key', 'generated_at']) }} as forecast_vintage_key,
    forecast_key,
    forecast_source,
    forecast_kind,
    generated_at,
    generation_date,
    forecast_grain,
    grain_key,
    target_date,
    forecast_month,
    horizon_days,
    {{ horizon_bucket('horizon_days') }} as horizon_bucket,
    host_type,
    team,
    instance_family,
    region,
    service_code,
    pricing_model,
    cast(null as {{ dbt.type_string() }}) as payer_account_id,
    currency,
    normalized_units,
    lower_bound,
    upper_bound,
    public_on_demand_cost,
    expected_discount_rate,
    net_cost,
    is_backtest
from with_horizon
