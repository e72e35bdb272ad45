{#- One row: the date the commitment analyses are made on and the recommender's window. The as-of date is
    var `commitment_as_of_date` or, when it is empty, the last day with instance usage. The window is the
    `commitment_lookback_days` days that end on it, cut at the first day with instance usage (so a short
    history is not diluted with hours before the data starts); window_hours counts its clock hours. -#}

{%- set lookback_days = var('commitment_lookback_days') | int -%}
{%- set configured_as_of = date_var('commitment_as_of_date') -%}

with

usage_lines as (
    select * from {{ ref('int_commitment_usage_lines') }}
),

usage_range as (
    select
        min(usage_date) as first_usage_date,
        max(usage_date) as last_usage_date
    from usage_lines
),

as_of as (
    select
        {%- if configured_as_of %}
        cast('{{ configured_as_of }}' as date) as as_of_date,
        {%- else %}
            usage_range.last_usage_date as as_of_date,
        {%- endif %}
        usage_range.first_usage_date,
        usage_range.last_usage_date
    from usage_range
),

windowed as (
    select
        as_of_date,
        first_usage_date,
        last_usage_date,
        cast(as_of_date - {{ lookback_days - 1 }} as date) as lookback_start_date,
        greatest(cast(as_of_date - {{ lookback_days - 1 }} as date), first_usage_date) as window_start_date
    from as_of
)

select
    as_of_date,
    first_usage_date,
    last_usage_date,
    lookback_start_date,
    window_start_date,
    cast(window_start_date as timestamp) as window_start_at,
    cast(cast(as_of_date + 1 as date) as timestamp) as window_end_at,
    ({{ days_between('window_start_date', 'as_of_date') }} + 1) as window_days,
    ({{ days_between('window_start_date', 'as_of_date') }} + 1) * 24 as window_hours
from windowed
