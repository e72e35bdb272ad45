{#- Monthly forecasts 1–12 months ahead (horizon 1 = the month of the generation date), per series of
    int_forecasts__monthly_history, from series with 12 whole months of history. Every source forecasts a
    mean per day and multiplies it by the target month's days, so February is not a dip:

    - `baseline`: the mean per day of the last three whole months (centred on the month before the last),
      carried forward with the monthly growth of the last year (the ratio of that mean to the mean of the
      same three months a year before, to the power 1/12) — only when the last three months moved the same
      way against the three before them (a step inside the year is not a trend). Without 15 months of
      history, or when the three months a year before are 0, the mean per day of the last three months.
    - `naive_seasonal`: the same month a year earlier (two years when it is not whole yet).
    - `naive_last_value`: the last whole month. -#}

with

as_of as (
    select * from {{ ref('int_forecasts__as_of') }}
),

history as (
    select * from {{ ref('int_forecasts__monthly_history') }}
),

horizon_numbers as (
    {{ number_series(12) }}
),

horizons as (
    select horizon_numbers.number_in_series + 1 as horizon_months
    from horizon_numbers
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
        max(month_index + month_offset) as last_whole_month_index,
        max(month_offset) as oldest_offset,
        sum(case when month_offset < 3 then month_total else 0 end)
        / sum(case when month_offset < 3 then days_in_month else 0 end) as recent_rate,
        sum(case when month_offset between 12 and 14 then month_total else 0 end)
        / nullif(sum(case when month_offset between 12 and 14 then days_in_month else 0 end), 0) as year_ago_rate,
        sum(case when month_offset between 3 and 5 then month_total else 0 end)
        / nullif(sum(case when month_offset between 3 and 5 then days_in_month else 0 end), 0) as previous_rate,
        sum(case when month_offset < 12 then abs(month_total) else 0 end) as last_year_total,
        sum(case when month_offset = 0 then daily_rate else 0 end) as last_rate
    from history
    group by series_key
),

trained as (
    select
        series.*,
        case
            when
                series.oldest_offset >= 14
                and series.recent_rate > 0
                and series.year_ago_rate > 0
                and series.previous_rate > 0
                and (series.recent_rate - series.previous_rate) * (series.recent_rate - series.year_ago_rate) > 0
                then series.recent_rate / series.year_ago_rate
            else 1
        end as yearly_growth
    from series
    where series.oldest_offset >= 11 and series.last_year_total <> 0
),

targets as (
    select
        trained.*,
        horizons.horizon_months,
        {{ finance_add_months('as_of.open_month', 'horizons.horizon_months - 1') }} as forecast_month,
        cast(extract(year from as_of.open_month) * 12 + extract(month from as_of.open_month) as integer)
        + horizons.horizon_months - 1 as target_month_index
    from trained
    cross join horizons
    cross join as_of
),

seasonal as (
    select
        targets.*,
        cast(floor((targets.target_month_index - targets.last_whole_month_index + 11) / 12.0) as integer)
            as years_back
    from targets
),

referenced as (
    select
        seasonal.*,
        history.daily_rate as same_month_rate,
        {{ days_between(add_days('seasonal.forecast_month', -1), month_end('seasonal.forecast_month')) }}
            as days_in_month
    from seasonal
    left join history
        on
            seasonal.series_key = history.series_key
            and history.month_index = seasonal.target_month_index - 12 * seasonal.years_back
),

rates as (
    select
        referenced.*,
        -- the recent mean is centred on the month before the last whole month
        referenced.recent_rate * power(
            referenced.yearly_growth,
            (referenced.target_month_index - referenced.last_whole_month_index + 1) / 12.0
        ) as baseline_rate
    from referenced
),

sources as (
    select
        'baseline' as forecast_source,
        rates.*,
        rates.baseline_rate as forecast_rate
    from rates
    union all
    select
        'naive_seasonal' as forecast_source,
        rates.*,
        coalesce(rates.same_month_rate, 0) as forecast_rate
    from rates
    union all
    select
        'naive_last_value' as forecast_source,
        rates.*,
        rates.last_rate as forecast_rate
    from rates
)

select
    {{ row_key(['sources.forecast_source', 'sources.series_key', 'sources.forecast_month']) }} as monthly_forecast_key,
    sources.forecast_source,
    as_of.generated_at,
    as_of.generation_date,
    sources.series_key,
    sources.measure,
    sources.payer_account_id,
    sources.currency,
    sources.service_code,
    sources.account_id,
    sources.instance_family,
    sources.forecast_month,
    sources.horizon_months,
    case
        when sources.horizon_months = 1 then 'm1'
        when sources.horizon_months <= 3 then 'm2-3'
        when sources.horizon_months <= 6 then 'm4-6'
        else 'm7-12'
    end as horizon_bucket,
    sources.days_in_month,
    sources.forecast_rate as forecast_per_day,
    sources.forecast_rate * sources.days_in_month as forecast_total
from sources
cross join as_of
