{#- Monthly forecasts 1–12 months ahead for commitment and budget planning (see int_forecasts__monthly): usage
    per instance family in on-demand-equivalent xlarge-normalized units, with the hourly P10 / P50 a Savings
    Plan is sized on where the CUR is hourly; cost per payer × currency × service × account at public
    on-demand, and the net cost once the commitments active in each month are applied
    (int_forecasts__monthly_commitments). -#}

with

forecasts as (
    select * from {{ ref('int_forecasts__monthly') }}
),

commitments as (
    select * from {{ ref('int_forecasts__monthly_commitments') }}
),

hourly_usage as (
    select * from {{ ref('int_forecasts__monthly_hourly_usage') }}
),

costed as (
    select
        forecasts.*,
        coalesce(commitments.active_commitments, 0) as active_commitments,
        -- savings cannot exceed the cost they are taken from
        least(coalesce(commitments.commitment_savings, 0), greatest(forecasts.forecast_total, 0))
            as commitment_savings,
        coalesce(commitments.unused_commitment_cost, 0) as unused_commitment_cost,
        coalesce(commitments.price_discount_share, 0) as price_discount_share,
        coalesce(commitments.enterprise_discount_ratio, 1) as enterprise_discount_ratio
    from forecasts
    left join commitments
        on
            forecasts.series_key = commitments.series_key
            and forecasts.forecast_month = commitments.forecast_month
)

select
    costed.monthly_forecast_key,
    costed.forecast_source,
    costed.generated_at,
    costed.generation_date,
    costed.measure,
    costed.series_key,
    costed.payer_account_id,
    costed.currency,
    costed.service_code,
    costed.account_id,
    costed.instance_family,
    costed.forecast_month,
    cast(costed.horizon_months as integer) as horizon_months,
    costed.horizon_bucket,
    cast(costed.days_in_month as integer) as days_in_month,
    cast(case when costed.measure = 'usage' then costed.forecast_total end as double precision) as normalized_units,
    cast(
        case
            when costed.measure = 'usage' and hourly_usage.hourly_units_mean > 0
                then hourly_usage.hourly_units_p10 * costed.forecast_per_day / (hourly_usage.hourly_units_mean * 24)
        end as double precision
    ) as hourly_units_p10,
    cast(
        case
            when costed.measure = 'usage' and hourly_usage.hourly_units_mean > 0
                then hourly_usage.hourly_units_p50 * costed.forecast_per_day / (hourly_usage.hourly_units_mean * 24)
        end as double precision
    ) as hourly_units_p50,
    cast(case when costed.measure = 'cost' then costed.forecast_total end as decimal(38, 10)) as public_on_demand_cost,
    cast(case when costed.measure = 'cost' then costed.commitment_savings end as decimal(38, 10)) as commitment_savings,
    cast(case when costed.measure = 'cost' then costed.unused_commitment_cost end as decimal(38, 10))
        as unused_commitment_cost,
    cast(
        case
            when costed.measure = 'cost'
                then (
                    costed.forecast_total * (1 + costed.price_discount_share)
                    - costed.commitment_savings
                    + costed.unused_commitment_cost
                ) * costed.enterprise_discount_ratio
        end as decimal(38, 10)
    ) as net_cost,
    cast(case when costed.measure = 'cost' then costed.active_commitments end as integer) as active_commitments
from costed
left join hourly_usage
    on costed.instance_family = hourly_usage.instance_family
