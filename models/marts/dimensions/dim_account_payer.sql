{#- The dated account-to-payer mapping: one row per stretch of consecutive usage days in which an account
    was billed under one payer. Derived from the CUR lines themselves (the payer AWS billed each line under,
    by usage date), so an account that moves between payers mid-month has one row before and one after the
    move. valid_to is the next stretch's valid_from (exclusive); empty for the account's current payer. On a
    day with lines under both payers (the day of the move) the payer the account had first comes first. -#}

with

account_days as (
    select distinct
        account_id,
        payer_account_id,
        usage_date
    from {{ ref('int_cost_daily') }}
),

ordered_days as (
    select
        account_id,
        payer_account_id,
        usage_date,
        min(usage_date) over (partition by account_id, payer_account_id) as payer_first_usage_date
    from account_days
),

changes as (
    select
        account_id,
        payer_account_id,
        usage_date,
        case
            when
                lag(payer_account_id) over (
                    partition by account_id order by usage_date, payer_first_usage_date, payer_account_id
                ) = payer_account_id
                then 0
            else 1
        end as starts_stretch,
        row_number() over (
            partition by account_id order by usage_date, payer_first_usage_date, payer_account_id
        ) as day_order
    from ordered_days
),

numbered as (
    select
        account_id,
        payer_account_id,
        usage_date,
        sum(starts_stretch) over (
            partition by account_id order by day_order rows between unbounded preceding and current row
        ) as stretch_number
    from changes
),

stretches as (
    select
        account_id,
        payer_account_id,
        stretch_number,
        min(usage_date) as valid_from,
        max(usage_date) as last_usage_date,
        count(*) as usage_day_count
    from numbered
    group by account_id, payer_account_id, stretch_number
)

select
    account_id,
    payer_account_id,
    valid_from,
    lead(valid_from) over (partition by account_id order by stretch_number) as valid_to,
    last_usage_date,
    cast(usage_day_count as bigint) as usage_day_count,
    account_id = payer_account_id as is_payer_account
from stretches
