{#- Warns (never fails the build) when the company's exchange_rates.csv gives a reporting currency but no rate
    covers some day and currency with cost: those rows of fct_cost_daily have empty *_in_reporting_currency
    columns, so a total in the reporting currency would leave them out. One row per currency and billing
    period, with the first and last uncovered day and the cost left unconverted. -#}
{{ config(severity='warn') }}

select
    currency,
    reporting_currency,
    billing_period,
    min(usage_date) as first_day_without_rate,
    max(usage_date) as last_day_without_rate,
    sum(amortized_cost) as amortized_cost_without_rate
from {{ ref('fct_cost_daily') }}
where reporting_currency is not null and reporting_exchange_rate is null
group by currency, reporting_currency, billing_period
