{#- Every forecast point whose actual is known: each vintage row joined to the itemized actual at its own
    grain and target. A usage target counts once the data holds its day (no usage that day = 0); a monthly
    cost target once the data holds the whole month. Cost forecasts give two points per row: net cost
    against amortized cost, and public on-demand cost against public on-demand cost. -#}

with

vintages as (
    select * from {{ ref('int_forecasts__vintages') }}
),

actuals as (
    select * from {{ ref('int_forecasts__itemized_actuals') }}
),

data_through as (
    select
        max(case when actual_kind = 'usage' then actual_date end) as usage_data_through,
        max(case when actual_kind = 'cost' and is_complete then actual_date end) as cost_complete_through
    from actuals
),

usage_points as (
    select
        vintages.forecast_source,
        vintages.forecast_grain,
        concat_ws(' / ', vintages.host_type, vintages.team, vintages.instance_family, vintages.region)
            as grain_member,
        'normalized_units' as measure,
        cast(null as {{ dbt.type_string() }}) as currency,
        vintages.generated_at,
        vintages.target_date,
        vintages.forecast_month,
        vintages.horizon_days,
        vintages.horizon_bucket,
        vintages.normalized_units as forecast_value,
        coalesce(actuals.normalized_units, 0) as actual_value,
        vintages.lower_bound,
        vintages.upper_bound,
        coalesce(last_value_actuals.normalized_units, 0) as naive_last_value,
        coalesce(seasonal_actuals.normalized_units, 0) as naive_seasonal_value
    from vintages
    cross join data_through
    left join actuals
        on
            vintages.grain_key = actuals.grain_key
            and vintages.target_date = actuals.actual_date
    left join actuals as last_value_actuals
        on
            vintages.grain_key = last_value_actuals.grain_key
            and {{ add_days('cast(vintages.generated_at as date)', -1) }} = last_value_actuals.actual_date
    left join actuals as seasonal_actuals
        on
            vintages.grain_key = seasonal_actuals.grain_key
            and {{ add_days(
                'vintages.target_date',
                '-7 * cast(ceil(' ~ days_between(add_days('cast(vintages.generated_at as date)', -1), 'vintages.target_date') ~ ' / 7.0) as integer)'
            ) }} = seasonal_actuals.actual_date
    where
        vintages.forecast_kind = 'usage'
        and vintages.target_date <= data_through.usage_data_through
),

cost_targets as (
    select
        vintages.*,
        concat_ws(' / ', vintages.service_code, coalesce(vintages.instance_family, '-'), vintages.pricing_model)
            as grain_member,
        coalesce(actuals.amortized_cost, 0) as actual_amortized_cost,
        coalesce(actuals.public_on_demand_cost, 0) as actual_public_on_demand_cost
    from vintages
    cross join data_through
    left join actuals
        on
            vintages.grain_key = actuals.grain_key
            and vintages.target_date = actuals.actual_date
    where
        vintages.forecast_kind = 'cost'
        and vintages.target_date <= data_through.cost_complete_through
),

cost_points as (
    select
        forecast_source,
        forecast_grain,
        grain_member,
        'net_cost' as measure,
        currency,
        generated_at,
        target_date,
        forecast_month,
        horizon_days,
        horizon_bucket,
        net_cost as forecast_value,
        actual_amortized_cost as actual_value,
        cast(null as double precision) as lower_bound,
        cast(null as double precision) as upper_bound,
        cast(null as double precision) as naive_last_value,
        cast(null as double precision) as naive_seasonal_value
    from cost_targets
    union all
    select
        forecast_source,
        forecast_grain,
        grain_member,
        'public_on_demand_cost' as measure,
        currency,
        generated_at,
        target_date,
        forecast_month,
        horizon_days,
        horizon_bucket,
        public_on_demand_cost as forecast_value,
        actual_public_on_demand_cost as actual_value,
        cast(null as double precision) as lower_bound,
        cast(null as double precision) as upper_bound,
        cast(null as double precision) as naive_last_value,
        cast(null as double precision) as naive_seasonal_value
    from cost_targets
)

select * from usage_points
union all
select * from cost_points
