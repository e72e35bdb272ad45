{#- Cost anomalies of usage at public on-demand cost: one row per anomaly (a run of consecutive outlier days of
    one series in one direction), with how far it is from expected, its likely drivers, what else happened on
    those days, and the status the company set in the anomaly register. Resolved anomalies stay listed. -#}

with

episodes as (
    select * from {{ ref('int_anomalies__episodes') }}
),

drivers as (
    select * from {{ ref('int_anomalies__drivers') }}
),

annotations as (
    select * from {{ ref('int_anomalies__annotations') }}
),

key_history as (
    select * from {{ ref('int_anomalies__key_history') }}
),

register as (
    select * from {{ ref('anomaly_register') }}
)

select
    episodes.anomaly_key,
    episodes.grain,
    episodes.payer_account_id,
    episodes.currency,
    episodes.account_id,
    episodes.service_code,
    episodes.usage_type,
    episodes.team,
    episodes.host_type,
    episodes.direction,
    episodes.first_day,
    episodes.last_day,
    cast(episodes.days_open as integer) as days_open,
    cast(episodes.anomalous_days as integer) as anomalous_days,
    episodes.is_ongoing,
    episodes.settled_through_date,
    cast(episodes.actual_cost as decimal(38, 10)) as actual_cost,
    cast(episodes.expected_cost as decimal(38, 10)) as expected_cost,
    cast(episodes.impact as decimal(38, 10)) as impact,
    case
        when episodes.expected_cost > 0 then episodes.actual_cost / episodes.expected_cost
    end as actual_to_expected_ratio,
    cast(episodes.actual_amortized_cost as decimal(38, 10)) as actual_amortized_cost,
    cast(episodes.expected_amortized_cost as decimal(38, 10)) as expected_amortized_cost,
    cast(episodes.amortized_impact as decimal(38, 10)) as amortized_impact,
    episodes.anomaly_score,
    drivers.top_drivers,
    annotations.annotations,
    coalesce(register.status, 'new') as status,
    register.note as status_note,
    register.owner as status_owner,
    coalesce(register.status, 'new') in ('new', 'investigating', 'confirmed') as is_open,
    key_history.first_seen_at,
    coalesce(key_history.first_seen_invocation_id = '{{ invocation_id }}', false) as is_new_in_this_build
from episodes
left join drivers
    on episodes.anomaly_key = drivers.anomaly_key
left join annotations
    on episodes.anomaly_key = annotations.anomaly_key
left join key_history
    on episodes.anomaly_key = key_history.anomaly_key
left join register
    on episodes.anomaly_key = register.anomaly_key
