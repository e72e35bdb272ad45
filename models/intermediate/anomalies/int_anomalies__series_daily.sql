{{ config(post_hook="{{ refresh_planner_statistics(this) }}") }}

{#- One row per monitored series and loaded day (zero where the series has no cost that day): the usage
    lines of int_anomalies__usage_lines summed at each detection grain of anomaly_grains() — payer × account ×
    service, usage type within service, team, host type. Dense, so a series that stops or starts shows up. -#}

{%- set grains = anomaly_grains() %}
{%- set dimensions = anomaly_dimensions() %}

with

usage_lines as (
    select * from {{ ref('int_anomalies__usage_lines') }}
),

all_grains as (
    {%- for grain, grain_dimensions in grains.items() %}
        select
            {{ row_key(["'" ~ grain ~ "'", 'payer_account_id', 'currency'] + dimensions_of(grain_dimensions)) }}
                as series_key,
            '{{ grain }}' as grain,
            payer_account_id,
            currency,
            {%- for dimension in dimensions %}
                {{ dimensions_of(grain_dimensions)[loop.index0] }} as {{ dimension }},
            {%- endfor %}
            day_number,
            sum(public_on_demand_cost) as public_on_demand_cost,
            sum(amortized_cost) as amortized_cost
        from usage_lines
        group by payer_account_id, currency, {{ grain_dimensions | join(', ') }}, day_number
        {{ "union all" if not loop.last }}
    {%- endfor %}
),

series as (
    select distinct
        series_key,
        grain,
        payer_account_id,
        currency,
        {{ dimensions | join(',\n        ') }}
    from all_grains
),

loaded_days as (
    select distinct
        payer_account_id,
        currency,
        day_number,
        usage_date
    from usage_lines
),

month_ago as (
    select
        payer_account_id,
        currency,
        day_number,
        usage_date,
        cast({{ dbt.date_trunc('month', 'usage_date') }} as date) = usage_date as is_month_start,
        cast({{ dbt.dateadd('month', -1, 'usage_date') }} as date) as month_ago_date
    from loaded_days
),

calendar as (
    select
        payer_account_id,
        currency,
        day_number,
        usage_date,
        is_month_start,
        {{ day_number('month_ago_date') }} as previous_month_day_number
    from month_ago
)

select
    series.series_key,
    series.grain,
    series.payer_account_id,
    series.currency,
    {%- for dimension in dimensions %}
        series.{{ dimension }},
    {%- endfor %}
    calendar.day_number,
    calendar.usage_date,
    calendar.is_month_start,
    calendar.previous_month_day_number,
    coalesce(all_grains.public_on_demand_cost, 0) as public_on_demand_cost,
    coalesce(all_grains.amortized_cost, 0) as amortized_cost,
    -- the same day of the previous month (a month start is compared with it); NULL before the first loaded day
    case
        when previous_month.day_number is not null then coalesce(previous_month_costs.public_on_demand_cost, 0)
    end as previous_month_cost,
    case
        when previous_month.day_number is not null then coalesce(previous_month_costs.amortized_cost, 0)
    end as previous_month_amortized_cost
from series
inner join calendar
    on
        series.payer_account_id = calendar.payer_account_id
        and series.currency = calendar.currency
left join all_grains
    on
        series.series_key = all_grains.series_key
        and calendar.day_number = all_grains.day_number
left join loaded_days as previous_month
    on
        calendar.payer_account_id = previous_month.payer_account_id
        and calendar.currency = previous_month.currency
        and calendar.previous_month_day_number = previous_month.day_number
left join all_grains as previous_month_costs
    on
        series.series_key = previous_month_costs.series_key
        and calendar.previous_month_day_number = previous_month_costs.day_number
