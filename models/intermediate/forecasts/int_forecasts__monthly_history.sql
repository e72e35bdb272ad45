{#- The history the monthly forecasts are made from: per series and whole month before the generation date,
    the month's total and its mean per day. Two measures: `cost` = public on-demand cost per payer ×
    currency × service × account (the price-list basis: commitment purchases and expiries do not bend it),
    `usage` = on-demand-equivalent xlarge-normalized units per instance family (every pricing model). A month
    is whole when the actuals reach its last day; months without a row inside a series' life count as 0.
    month_offset 0 is the measure's last whole month, 1 the month before, and so on (24 months kept).

    As of a past date (var('as_of_date'): replays and backtests), cost is taken as first delivered where the
    warehouse recorded the earlier deliveries: a billing period whose delivery current on that date (loaded
    before it) was replaced later counts that delivery's public on-demand cost per account and service (from
    its recorded totals, as a difference to the current delivery), and is not whole, for cost and usage, when
    that delivery was loaded before the period ended (a month-to-date delivery). A period with no delivery
    loaded before the date (a history loaded at once) keeps its final figures.

    Longer than ~200 lines on purpose: the as-of cut (which delivery was current on the date, what it said,
    whether its month was whole) decides both the totals and which months count, and the unit test
    `monthly_history_takes_cost_as_first_delivered` checks the two together from raw deliveries; as a model of its
    own the cut would be one more table rebuilt on every replay step. -#}

{%- set kept_months = 24 %}
{%- set as_of = date_var('as_of_date') %}
{#- without an as-of date every delivery counts as it is now -#}
{%- set delivered_before_as_of = "deliveries.loaded_at < cast('" ~ as_of ~ "' as timestamp)" if as_of else '1 = 0' %}

with

as_of as (
    select * from {{ ref('int_forecasts__as_of') }}
),

deliveries as (
    select * from {{ ref('stg_cur__deliveries') }}
),

delivered_before_as_of as (
    select
        deliveries.delivery_id,
        deliveries.billing_period,
        deliveries.payer_account_id,
        deliveries.loaded_at,
        row_number() over (
            partition by deliveries.payer_account_id, deliveries.billing_period order by deliveries.loaded_at desc
        ) as recency
    from deliveries
    where {{ delivered_before_as_of }}
),

replaced_deliveries as (
    -- the delivery current on the as-of date, where a later one replaced it
    select
        delivered_before_as_of.delivery_id,
        delivered_before_as_of.billing_period,
        delivered_before_as_of.payer_account_id,
        delivered_before_as_of.loaded_at,
        current_deliveries.delivery_id as current_delivery_id
    from delivered_before_as_of
    inner join deliveries as current_deliveries
        on
            delivered_before_as_of.payer_account_id = current_deliveries.payer_account_id
            and delivered_before_as_of.billing_period = current_deliveries.billing_period
            and current_deliveries.is_current
    where delivered_before_as_of.recency = 1 and delivered_before_as_of.delivery_id <> current_deliveries.delivery_id
),

restatements as (
    -- what the delivery current on the as-of date held less what the current delivery holds
    select
        totals.payer_account_id,
        totals.currency,
        totals.service_code,
        totals.account_id,
        totals.billing_period as history_month,
        sum(
            case
                when totals.delivery_id = replaced_deliveries.delivery_id then totals.public_on_demand_cost
                else -totals.public_on_demand_cost
            end
        ) as month_total
    from {{ ref('stg_cur__delivery_totals') }} as totals
    inner join replaced_deliveries
        on
            totals.payer_account_id = replaced_deliveries.payer_account_id
            and totals.billing_period = replaced_deliveries.billing_period
            and totals.delivery_id in (replaced_deliveries.delivery_id, replaced_deliveries.current_delivery_id)
    group by
        totals.payer_account_id,
        totals.currency,
        totals.service_code,
        totals.account_id,
        totals.billing_period
),

partial_months as (
    -- a period whose delivery current on the as-of date was loaded before the period ended
    select
        min(
            cast(
                extract(year from replaced_deliveries.billing_period) * 12
                + extract(month from replaced_deliveries.billing_period) as integer
            )
        ) as first_partial_month_index
    from replaced_deliveries
    where
        replaced_deliveries.loaded_at
        < cast({{ finance_add_months('replaced_deliveries.billing_period', 1) }} as timestamp)
),

cost_lines as (
    select
        cost_daily.payer_account_id,
        cost_daily.currency,
        cost_daily.service_code,
        cost_daily.account_id,
        {{ month_start('cost_daily.usage_date') }} as history_month,
        cost_daily.public_on_demand_cost as month_total
    from {{ ref('int_cost_daily_allocated') }} as cost_daily
    cross join as_of
    where cost_daily.usage_date <= as_of.cost_data_through
    union all
    select
        payer_account_id,
        currency,
        service_code,
        account_id,
        history_month,
        month_total
    from restatements
),

cost_months as (
    select
        'cost' as measure,
        payer_account_id,
        currency,
        service_code,
        account_id,
        cast(null as {{ dbt.type_string() }}) as instance_family,
        history_month,
        sum(month_total) as month_total
    from cost_lines
    group by payer_account_id, currency, service_code, account_id, history_month
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
        sum(normalized_usage.normalized_units) as month_total
    from {{ ref('int_normalized_usage_allocated') }} as normalized_usage
    cross join as_of
    where normalized_usage.usage_date <= as_of.usage_data_through and normalized_usage.instance_family is not null
    group by normalized_usage.instance_family, {{ month_start('normalized_usage.usage_date') }}
),

all_months as (
    select * from cost_months
    union all
    select * from usage_months
),

data_through as (
    select
        'cost' as measure,
        as_of.cost_data_through as last_data_day
    from as_of
    union all
    select
        'usage' as measure,
        as_of.usage_data_through as last_data_day
    from as_of
),

whole_months as (
    select
        data_through.measure,
        cast(
            extract(year from data_through.last_data_day) * 12 + extract(month from data_through.last_data_day)
            as integer
        )
        - case
            when {{ month_end('data_through.last_data_day') }} = data_through.last_data_day then 0 else 1
        end as data_whole_month_index,
        partial_months.first_partial_month_index - 1 as delivered_whole_month_index
    from data_through
    cross join partial_months
),

indexed as (
    select
        all_months.measure,
        all_months.payer_account_id,
        all_months.currency,
        all_months.service_code,
        all_months.account_id,
        all_months.instance_family,
        {{ row_key([
            'all_months.measure', 'all_months.payer_account_id', 'all_months.currency', 'all_months.service_code',
            'all_months.account_id', 'all_months.instance_family',
        ]) }} as series_key,
        all_months.history_month,
        all_months.month_total,
        cast(
            extract(year from all_months.history_month) * 12 + extract(month from all_months.history_month) as integer
        ) as month_index,
        least(
            whole_months.data_whole_month_index,
            coalesce(whole_months.delivered_whole_month_index, whole_months.data_whole_month_index)
        ) as last_whole_month_index
    from all_months
    inner join whole_months
        on all_months.measure = whole_months.measure
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
