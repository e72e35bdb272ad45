{#- One row per day from 2015-01-01 for about 27 years: the time spine MetricFlow joins metrics to. -#}

with

digits as (
    select digit
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as digit_values (digit)
),

day_numbers as (
    select
        thousands.digit * 1000 + hundreds.digit * 100 + tens.digit * 10 + units.digit as day_number
    from digits as thousands
    cross join digits as hundreds
    cross join digits as tens
    cross join digits as units
)

select cast({{ dbt.dateadd('day', 'day_number', "cast('2015-01-01' as date)") }} as date) as date_day
from day_numbers
