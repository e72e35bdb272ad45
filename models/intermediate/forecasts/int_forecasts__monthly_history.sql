{#- The history the monthly forecasts are made from: per series and whole month before the generation date,
    the month's total and its mean per day. Two measures: `cost` = public on-demand cost per payer ×
    currency × service × account (the price-list basis: commitment purchases and expiries do not bend it),
    `usage` = on-demand-equivalent xlarge-normalized units per instance family (every pricing model). A month
    is whole when the actuals reach its last day; months without a row inside a series' life count as 0.
    month_offset 0 is the measure's last whole month, 1 the month before, and so on (24 months kept). -#}

{%- set kept_months = 24 %}

with

as_of as (
    select * from {{ ref('int_forecasts__as_of') }}
),

cost_months as (
    select
        'cost' as measure,
        cost_daily.payer_account_id,
        cost_daily.currency,
        cost_daily.service_code,
        cost_daily.account_id,
        cast(null as {{ dbt.type_string() }}) as instance_family,
        {{ month_start('cost_daily.usage_date') }} as history_month,
        {{ month_end(month_start('as_of.cost_data_through')) }} = as_of.cost_data_through as data_reaches_month_end,
        {{ month_start('as_of.cost_data_through') }} as data_month,
        sum(cost_daily.public_on_demand_cost) as month_total
    from {{ ref('int_cost_daily_allocated') }} as cost_daily
    cross join as_of
    where cost_daily.usage_date <= as_of.cost_data_through
    group by
        cost_daily.payer_account_id,
        cost_daily.currency,
        cost_daily.service_code,
        cost_daily.account_id,
        {{ month_start('cost_daily.usage_date') }},
        as_of.cost_data_through
),

usage_months as (
    select
        'usage' as measure,
        cast(null as {{ dbt.type_string() }}) as payer_account_id,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as {{ dbt.type_string() }}) as service_code,
        cast(null as {{ dbt.type_string() }}) as account_id,
        normalized_usage.instance_family,
        {{ month_start('normalized_usage.usage_date') }} as history_month,
        {{ month_end(month_start('as_of.usage_data_through')) }} = as_of.usage_data_through as data_reaches_month_end,
        {{ month_start('as_of.usage_data_through') }} as data_month,
        sum(normalized_usage.normalized_units) as month_total
    from {{ ref('int_normalized_usage_allocated') }} as normalized_usage
    cross join as_of
    where normalized_usage.usage_date <= as_of.usage_data_through and normalized_usage.instance_family is not null
    group by
        normalized_usage.instance_family,
        {{ month_start('normalized_usage.usage_date') }},
        as_of.usage_data_through
),

all_months as (
    select * from cost_months
    union all
    select * from usage_months
),

indexed as (
    select
        measure,
        payer_account_id,
        currency,
        service_code,
        account_id,
        instance_family,
        {{ row_key(['measure', 'payer_account_id', 'currency', 'service_code', 'account_id', 'instance_family']) }}
            as series_key,
        history_month,
        month_total,
        cast(extract(year from history_month) * 12 + extract(month from history_month) as integer) as month_index,
        cast(extract(year from data_month) * 12 + extract(month from data_month) as integer)
        - case when data_reaches_month_end then 0 else 1 end as last_whole_month_index
    from all_months
),

series as (
    select
        series_key,
        max(measure) as measure,
        max(payer_account_id) as payer_account_id,
        max(currency) as currency,
        max(service_code) as service_code,
        max(account_id) as account_id,
        max(instance_family) as instance_family,
        min(month_index) as first_month_index,
        max(last_whole_month_index) as last_whole_month_index
    from indexed
    group by series_key
),

offsets as (
    {{ number_series(kept_months) }}
),

series_months as (
    select
        series.*,
        offsets.number_in_series as month_offset,
        series.last_whole_month_index - offsets.number_in_series as month_index
    from series
    cross join offsets
    where series.last_whole_month_index - offsets.number_in_series >= series.first_month_index
),

dated as (
    select
        series_months.*,
        {{ finance_add_months(
            'as_of.open_month',
            '(series_months.month_index - cast(extract(year from as_of.open_month) * 12 '
            ~ '+ extract(month from as_of.open_month) as integer))',
        ) }} as history_month
    from series_months
    cross join as_of
)

select
    dated.series_key,
    dated.measure,
    dated.payer_account_id,
    dated.currency,
    dated.service_code,
    dated.account_id,
    dated.instance_family,
    dated.history_month,
    dated.month_offset,
    dated.month_index,
    {{ days_between(add_days('dated.history_month', -1), month_end('dated.history_month')) }} as days_in_month,
    cast(coalesce(indexed.month_total, 0) as double precision) as month_total,
    cast(coalesce(indexed.month_total, 0) as double precision)
    / {{ days_between(add_days('dated.history_month', -1), month_end('dated.history_month')) }} as daily_rate
from dated
left join indexed
    on dated.series_key = indexed.series_key and dated.month_index = indexed.month_index
