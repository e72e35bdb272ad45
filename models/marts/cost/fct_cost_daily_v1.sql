{#- The public contract of fct_cost_daily. Its rows are built in int_cost_daily_allocated, which other models
    read: a mart is a leaf of the DAG, read only by exposures, metrics, analyses and tests
    (docs/architecture.md). The contract in the YAML lists its columns.
    The *_in_reporting_currency columns convert the row's amounts with the company's exchange_rates.csv (the
    rate valid on the usage date); empty when the file has no rows or no rate covers the day and currency. -#}

with

cost_daily as (
    select * from {{ ref('int_cost_daily_allocated') }}
),

exchange_rates as (
    select * from {{ ref('exchange_rates') }}
),

reporting as (
    select max(reporting_currency) as reporting_currency
    from exchange_rates
),

converted as (
    select
        cost_daily.*,
        reporting.reporting_currency,
        case
            when cost_daily.currency = reporting.reporting_currency then cast(1 as double precision)
            else cast(exchange_rates.rate as double precision)
        end as reporting_exchange_rate
    from cost_daily
    cross join reporting
    left join exchange_rates
        on
            cost_daily.currency = exchange_rates.currency
            and reporting.reporting_currency = exchange_rates.reporting_currency
            and cost_daily.usage_date >= exchange_rates.valid_from
            and (exchange_rates.valid_to is null or cost_daily.usage_date < exchange_rates.valid_to)
)

select
    *,  -- noqa: AM04
    public_on_demand_cost * reporting_exchange_rate as public_on_demand_cost_in_reporting_currency,
    amortized_cost * reporting_exchange_rate as amortized_cost_in_reporting_currency,
    unblended_cost * reporting_exchange_rate as unblended_cost_in_reporting_currency,
    billed_cost * reporting_exchange_rate as billed_cost_in_reporting_currency
from converted
