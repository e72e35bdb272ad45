{#- Per payer and currency: the first usage day loaded and the last settled one. The latest days of every
    delivery are incomplete (AWS keeps adding usage for a day or two), so the last
    var('anomaly_unsettled_days') days before the latest loaded usage day are not evaluated yet. -#}

with

usage_days as (
    select
        payer_account_id,
        currency,
        min(day_number) as first_day_number,
        max(day_number) as last_day_number
    from {{ ref('int_anomalies__usage_lines') }}
    group by payer_account_id, currency
)

select
    payer_account_id,
    currency,
    first_day_number,
    last_day_number,
    last_day_number - {{ var('anomaly_unsettled_days') }} as settled_through_day_number,
    {{ day_number_date('last_day_number - ' ~ var('anomaly_unsettled_days')) }} as settled_through_date,
    first_day_number + 7 * {{ var('anomaly_baseline_weeks') }} as first_evaluated_day_number
from usage_days
