{#- One row per day from 2015-01-01 for about 27 years: the time spine MetricFlow joins metrics to. -#}

with

digits as (
    select 0 as digit
    union all
    select 1 as digit
    union all
    select 2 as digit
    union all
    select 3 as digit
    union all
    select 4 as digit
    union all
    select 5 as digit
    union all
    select 6 as digit
    union all
    select 7 as digit
    union all
    select 8 as digit
    union all
    select 9 as digit
),

day_numbers as (
    select thousands.digit * 1000 + hundreds.digit * 100 + tens.digit * 10 + units.digit as day_number
    from digits as thousands
    cross join digits as hundreds
    cross join digits as tens
    cross join digits as units
)

select cast({{ dbt.dateadd('day', 'day_numbers.day_number', "cast('2015-01-01' as date)") }} as date) as date_day
from day_numbers
