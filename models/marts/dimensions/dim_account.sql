{#- One row per AWS account seen in the CUR: its current payer (the payer of its latest usage, from the
    dated mapping dim_account_payer), its default team under today's rules, and the months it appears in. -#}

with

allocation_keys as (
    select distinct
        account_id,
        billing_period
    from {{ ref('int_allocation_keys') }}
),

account_periods as (
    select
        account_id,
        min(billing_period) as first_billing_period,
        max(billing_period) as last_billing_period,
        count(distinct billing_period) as billing_period_count
    from allocation_keys
    group by account_id
),

current_payers as (
    select
        account_id,
        payer_account_id
    from {{ ref('dim_account_payer') }}
    where valid_to is null
),

account_teams as (
    select * from {{ ref('map_account_teams') }}
),

current_default_teams as (
    select
        account_teams.account_id,
        account_teams.team
    from account_teams
    where {{ rule_is_valid('account_teams', 'cast(' ~ dbt.current_timestamp() ~ ' as date)') }}
)

select
    account_periods.account_id,
    current_payers.payer_account_id,
    account_periods.account_id = current_payers.payer_account_id as is_payer_account,
    coalesce(current_default_teams.team, 'unallocated') as default_team,
    account_periods.first_billing_period,
    account_periods.last_billing_period,
    cast(account_periods.billing_period_count as bigint) as billing_period_count
from account_periods
inner join current_payers
    on account_periods.account_id = current_payers.account_id
left join current_default_teams
    on account_periods.account_id = current_default_teams.account_id
