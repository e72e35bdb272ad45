{#- A closed billing period (close calendar) must be reconciled or explicitly accepted: every invoice
    matched or signed off, and no restatement after the close that no sign-off of the current delivery
    accepts. Each failing row names the period, the payer and the amounts (failure_message); cloudcost build
    prints them. Depends only on the close-status mart, so a failure skips no other model. -#}
{{ config(store_failures=true) }}

select
    billing_period,
    payer_account_id,
    currency,
    closed_on,
    delivery_id,
    restatement_delta,
    unaccepted_count,
    failure_message
from {{ ref('fct_period_close_status') }}
where is_closed and close_status = 'failing'
