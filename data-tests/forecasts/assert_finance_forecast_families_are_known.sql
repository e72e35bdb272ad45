{#- Warns when a submitted finance forecast names a service × instance family the CUR has never had: its
    rows can never meet an itemized actual (e.g. 'r6g' for RDS, where the semantic layer says 'db.r6g').
    A family that is new on purpose (a planned migration) warns until its first month of usage is loaded. -#}
{{ config(severity='warn') }}

with

finance_forecasts as (
    select * from {{ ref('stg_forecasts__finance_forecasts') }}
),

known_families as (
    select distinct
        service_code,
        instance_family
    from {{ ref('int_forecasts__daily_cost') }}
),

unknown_families as (
    select
        finance_forecasts.forecast_source,
        finance_forecasts.service_code,
        finance_forecasts.instance_family,
        count(*) as forecast_rows
    from finance_forecasts
    left join known_families
        on
            finance_forecasts.service_code = known_families.service_code
            and coalesce(finance_forecasts.instance_family, '') = coalesce(known_families.instance_family, '')
    where known_families.service_code is null
    group by
        finance_forecasts.forecast_source,
        finance_forecasts.service_code,
        finance_forecasts.instance_family
)

select * from unknown_families
