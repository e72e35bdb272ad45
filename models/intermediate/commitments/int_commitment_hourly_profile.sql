{#- The recommender's input: per payer × currency × commitment group and clock hour of the window (every hour,
    0 when nothing ran), the on-demand xlarge-normalized units and their public on-demand cost, and the units
    (and cost) that commitments expiring within `commitment_expiry_days` after the as-of date cover now — they
    will be on demand once those commitments end. Lines longer than an hour (a CUR with daily granularity)
    are spread evenly over the hours they cover.
    Which commitments expire comes from the fees (each commitment's latest billing period, as in int_commitments)
    rather than from int_commitments, one step earlier in the DAG.
    Longer than ~200 lines on purpose: it sits on the longest chain of the DAG (usage lines -> fees -> this ->
    what-ifs -> recommendations -> savings opportunities), so splitting its steps into models would deepen
    that chain; its steps (spread lines over hours, fill empty hours, add expiring cover) are CTEs. -#}

{%- set expiry_days = var('commitment_expiry_days') | int -%}

with

as_of as (
    select * from {{ ref('int_commitment_as_of') }}
),

commitments as (
    select
        fees.commitment_id,
        fees.commitment_end_at,
        {{ commitment_period_rank('fees') }} as period_rank
    from {{ ref('int_commitment_fees') }} as fees
),

expiring_commitments as (
    select commitments.commitment_id
    from commitments
    cross join as_of
    where
        commitments.period_rank = 1
        and commitments.commitment_end_at >= as_of.window_end_at
        and commitments.commitment_end_at < cast(as_of.as_of_date + 1 + {{ expiry_days }} as timestamp)
),

usage_lines as (
    select
        usage_lines.payer_account_id,
        usage_lines.currency,
        usage_lines.commitment_group,
        usage_lines.coverage_category,
        {{ is_sp_eligible_service('usage_lines.service_code') }} as is_sp_eligible_service,
        usage_lines.reservation_arn,
        usage_lines.savings_plan_arn,
        usage_lines.usage_start_at,
        usage_lines.usage_end_at,
        usage_lines.line_clock_hours,
        usage_lines.normalized_units,
        usage_lines.list_cost
    from {{ ref('int_commitment_usage_lines') }} as usage_lines
    cross join as_of
    where
        usage_lines.usage_start_at < as_of.window_end_at
        and usage_lines.usage_end_at > as_of.window_start_at
        and usage_lines.coverage_category in ('on_demand', 'ri_covered', 'sp_covered')
),

profiled_lines as (
    select
        usage_lines.*,
        case when usage_lines.coverage_category = 'on_demand' then 1 else 0 end as is_on_demand,
        case when expiring_commitments.commitment_id is not null then 1 else 0 end as is_expiring
    from usage_lines
    left join expiring_commitments
        on coalesce(usage_lines.reservation_arn, usage_lines.savings_plan_arn) = expiring_commitments.commitment_id
    where usage_lines.coverage_category = 'on_demand' or expiring_commitments.commitment_id is not null
),

hour_numbers as (
    {{ number_series(var('commitment_lookback_days') | int * 24) }}
),

window_hours as (
    select as_of.window_start_at + hour_numbers.number_in_series * interval '1 hour' as usage_hour
    from as_of
    cross join hour_numbers
    where hour_numbers.number_in_series < as_of.window_hours
),

-- lines of one clock hour at most: their own hour
hourly_lines as (
    select
        payer_account_id,
        currency,
        commitment_group,
        date_trunc('hour', usage_start_at) as usage_hour,
        is_on_demand,
        is_expiring,
        coverage_category,
        is_sp_eligible_service,
        normalized_units,
        list_cost
    from profiled_lines
    where line_clock_hours <= 1
),

-- lines of up to a day (a daily CUR): spread over the hours of their date
day_lines as (
    select
        profiled_lines.payer_account_id,
        profiled_lines.currency,
        profiled_lines.commitment_group,
        window_hours.usage_hour,
        profiled_lines.is_on_demand,
        profiled_lines.is_expiring,
        profiled_lines.coverage_category,
        profiled_lines.is_sp_eligible_service,
        profiled_lines.normalized_units
        * {{ overlap_hours(
            'profiled_lines.usage_start_at', 'profiled_lines.usage_end_at',
            'window_hours.usage_hour', "window_hours.usage_hour + interval '1 hour'",
        ) }} / profiled_lines.line_clock_hours as normalized_units,
        profiled_lines.list_cost
        * {{ overlap_hours(
            'profiled_lines.usage_start_at', 'profiled_lines.usage_end_at',
            'window_hours.usage_hour', "window_hours.usage_hour + interval '1 hour'",
        ) }} / profiled_lines.line_clock_hours as list_cost
    from profiled_lines
    inner join window_hours
        on
            cast(profiled_lines.usage_start_at as date) = cast(window_hours.usage_hour as date)
            and profiled_lines.usage_start_at < window_hours.usage_hour + interval '1 hour'
            and profiled_lines.usage_end_at > window_hours.usage_hour
    where profiled_lines.line_clock_hours > 1 and profiled_lines.line_clock_hours <= 24
),

-- longer lines (a monthly CUR, whose lines stay inside one calendar month): spread over the hours they cover
long_lines as (
    select
        profiled_lines.payer_account_id,
        profiled_lines.currency,
        profiled_lines.commitment_group,
        window_hours.usage_hour,
        profiled_lines.is_on_demand,
        profiled_lines.is_expiring,
        profiled_lines.coverage_category,
        profiled_lines.is_sp_eligible_service,
        profiled_lines.normalized_units
        * {{ overlap_hours(
            'profiled_lines.usage_start_at', 'profiled_lines.usage_end_at',
            'window_hours.usage_hour', "window_hours.usage_hour + interval '1 hour'",
        ) }} / profiled_lines.line_clock_hours as normalized_units,
        profiled_lines.list_cost
        * {{ overlap_hours(
            'profiled_lines.usage_start_at', 'profiled_lines.usage_end_at',
            'window_hours.usage_hour', "window_hours.usage_hour + interval '1 hour'",
        ) }} / profiled_lines.line_clock_hours as list_cost
    from profiled_lines
    inner join window_hours
        on
            date_trunc('month', profiled_lines.usage_start_at) = date_trunc('month', window_hours.usage_hour)
            and profiled_lines.usage_start_at < window_hours.usage_hour + interval '1 hour'
            and profiled_lines.usage_end_at > window_hours.usage_hour
    where profiled_lines.line_clock_hours > 24
),

all_lines as (
    select * from hourly_lines
    union all
    select * from day_lines
    union all
    select * from long_lines
),

per_hour as (
    select
        payer_account_id,
        currency,
        commitment_group,
        usage_hour,
        sum(case when is_on_demand = 1 then normalized_units else 0 end) as on_demand_units,
        sum(case when is_on_demand = 1 then list_cost else 0 end) as on_demand_list_cost,
        sum(case when is_on_demand = 0 and coverage_category = 'ri_covered' then normalized_units else 0 end)
            as expiring_ri_units,
        sum(case when is_on_demand = 0 and coverage_category = 'ri_covered' then list_cost else 0 end)
            as expiring_ri_list_cost,
        sum(case when is_on_demand = 0 and coverage_category = 'sp_covered' then list_cost else 0 end)
            as expiring_sp_list_cost,
        max(case when is_sp_eligible_service then 1 else 0 end) as is_sp_eligible_service
    from all_lines
    group by payer_account_id, currency, commitment_group, usage_hour
),

groups as (
    select
        payer_account_id,
        currency,
        commitment_group,
        max(is_sp_eligible_service) as is_sp_eligible_service
    from per_hour
    group by payer_account_id, currency, commitment_group
),

granularity as (
    select
        payer_account_id,
        case when max(line_clock_hours) > 1 then 'daily' else 'hourly' end as time_granularity
    from usage_lines
    group by payer_account_id
),

-- every hour of the window for every group (zeros), plus the hours with usage
filled as (
    select
        groups.payer_account_id,
        groups.currency,
        groups.commitment_group,
        window_hours.usage_hour,
        0 as on_demand_units,
        0 as on_demand_list_cost,
        0 as expiring_ri_units,
        0 as expiring_ri_list_cost,
        0 as expiring_sp_list_cost
    from groups
    cross join window_hours
    union all
    select
        payer_account_id,
        currency,
        commitment_group,
        usage_hour,
        on_demand_units,
        on_demand_list_cost,
        expiring_ri_units,
        expiring_ri_list_cost,
        expiring_sp_list_cost
    from per_hour
),

hourly_profile as (
    select
        payer_account_id,
        currency,
        commitment_group,
        usage_hour,
        sum(on_demand_units) as on_demand_units,
        sum(on_demand_list_cost) as on_demand_list_cost,
        sum(expiring_ri_units) as expiring_ri_units,
        sum(expiring_ri_list_cost) as expiring_ri_list_cost,
        sum(expiring_sp_list_cost) as expiring_sp_list_cost
    from filled
    group by payer_account_id, currency, commitment_group, usage_hour
)

select
    hourly_profile.payer_account_id,
    hourly_profile.currency,
    hourly_profile.commitment_group,
    groups.is_sp_eligible_service = 1 as is_sp_eligible_service,
    granularity.time_granularity,
    hourly_profile.usage_hour,
    hourly_profile.on_demand_units,
    hourly_profile.on_demand_list_cost,
    hourly_profile.expiring_ri_units,
    hourly_profile.expiring_ri_list_cost,
    hourly_profile.expiring_sp_list_cost,
    hourly_profile.on_demand_units + hourly_profile.expiring_ri_units as profile_units
from hourly_profile
inner join groups
    on
        hourly_profile.payer_account_id = groups.payer_account_id
        and hourly_profile.currency = groups.currency
        and hourly_profile.commitment_group = groups.commitment_group
inner join granularity
    on hourly_profile.payer_account_id = granularity.payer_account_id
