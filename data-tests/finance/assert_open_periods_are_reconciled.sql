{#- Open billing periods with unmatched invoices only warn: the month is not invoiced yet, or Finance is
    still working on it. -#}
{{ config(severity='warn') }}

select
    billing_period,
    payer_account_id,
    unaccepted_count,
    failure_message
from {{ ref('fct_period_close_status') }}
where not is_closed and unaccepted_count > 0
