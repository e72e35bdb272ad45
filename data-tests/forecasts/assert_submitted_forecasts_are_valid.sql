{#- Submitted forecasts (loaded or kept in the repository's seeds) follow the rules `cloudcost load-forecasts`
    checks: a target not before its generation date, no negative units or costs, an interval around the
    forecast, a discount rate between 0 and 1, and a source name the models do not compute themselves.
    A failing row names the source, vintage, file, target and the broken rule. -#}

with

usage_forecasts as (
    select * from {{ ref('stg_forecasts__usage_forecasts') }}
),

finance_forecasts as (
    select * from {{ ref('stg_forecasts__finance_forecasts') }}
),

usage_problems as (
    select
        forecast_source,
        generated_at,
        source_file,
        cast(target_date as {{ dbt.type_string() }}) as forecast_target,
        case
            when target_date < generation_date then 'target date before the generation date'
            when normalized_units < 0 then 'negative normalized units'
            when lower_bound < 0 or upper_bound < 0 then 'negative interval bound'
            when (lower_bound is null) <> (upper_bound is null) then 'interval with one bound only'
            when lower_bound > normalized_units or upper_bound < normalized_units then 'forecast outside its interval'
            when forecast_source in ('baseline', 'naive_last_value', 'naive_seasonal', 'month_end_projection')
                then 'source name of a computed forecast'
        end as problem
    from usage_forecasts
),

finance_problems as (
    select
        forecast_source,
        generated_at,
        source_file,
        cast(forecast_month as {{ dbt.type_string() }}) as forecast_target,
        case
            when target_date < generation_date then 'month ended before the generation date'
            when public_on_demand_cost < 0 or net_cost < 0 then 'negative cost'
            when expected_discount_rate < 0 or expected_discount_rate > 1 then 'discount rate outside 0..1'
            when forecast_source in ('baseline', 'naive_last_value', 'naive_seasonal', 'month_end_projection')
                then 'source name of a computed forecast'
        end as problem
    from finance_forecasts
),

problems as (
    select * from usage_problems
    union all
    select * from finance_problems
)

select * from problems
where problem is not null
