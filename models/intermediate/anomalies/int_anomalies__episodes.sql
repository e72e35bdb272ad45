{#- Consecutive outlier days of one series in one direction make one anomaly. Its key (series, direction,
    first day) stays the same when later builds add days, so a later build recognises it. -#}

{%- set dimensions = anomaly_dimensions() %}

with

outliers as (
    select * from {{ ref('int_anomalies__scores') }}
    where is_outlier
),

settled_days as (
    select * from {{ ref('int_anomalies__settled_days') }}
),

islands as (
    select
        outliers.*,
        outliers.day_number - row_number() over (
            partition by outliers.series_key, outliers.direction order by outliers.day_number
        ) as island_number
    from outliers
),

episodes as (
    select
        series_key,
        direction,
        island_number,
        grain,
        payer_account_id,
        currency,
        {%- for dimension in dimensions %}
            {{ dimension }},
        {%- endfor %}
        min(day_number) as first_day_number,
        max(day_number) as last_day_number,
        count(*) as anomalous_days,
        sum(public_on_demand_cost) as actual_cost,
        sum(expected_cost) as expected_cost,
        sum(impact) as impact,
        sum(amortized_cost) as actual_amortized_cost,
        sum(expected_amortized_cost) as expected_amortized_cost,
        sum(amortized_impact) as amortized_impact,
        max(abs(anomaly_score)) as peak_abs_score
    from islands
    group by
        series_key,
        direction,
        island_number,
        grain,
        payer_account_id,
        currency,
        {{ dimensions | join(', ') }}
)

select
    {{ row_key(['episodes.series_key', 'episodes.direction', 'episodes.first_day_number']) }} as anomaly_key,
    episodes.series_key,
    episodes.grain,
    episodes.payer_account_id,
    episodes.currency,
    {%- for dimension in dimensions %}
        episodes.{{ dimension }},
    {%- endfor %}
    episodes.direction,
    episodes.first_day_number,
    episodes.last_day_number,
    {{ day_number_date('episodes.first_day_number') }} as first_day,
    {{ day_number_date('episodes.last_day_number') }} as last_day,
    episodes.last_day_number - episodes.first_day_number + 1 as days_open,
    episodes.anomalous_days,
    episodes.last_day_number = settled_days.settled_through_day_number as is_ongoing,
    settled_days.settled_through_date,
    episodes.actual_cost,
    episodes.expected_cost,
    episodes.impact,
    episodes.actual_amortized_cost,
    episodes.expected_amortized_cost,
    episodes.amortized_impact,
    case when episodes.direction = 'up' then 1 else -1 end * episodes.peak_abs_score as anomaly_score
from episodes
inner join settled_days
    on
        episodes.payer_account_id = settled_days.payer_account_id
        and episodes.currency = settled_days.currency
