{#- Every unmatched reconciliation row has its summary row, with an explanation, in the exceptions mart. -#}

with

exceptions as (
    select
        reconciliation_key,
        status
    from {{ ref('fct_invoice_reconciliation') }}
    where status <> 'matched'
),

summaries as (
    select
        reconciliation_key,
        explanation
    from {{ ref('fct_reconciliation_exceptions') }}
    where contributor_basis = 'summary'
)

select
    exceptions.reconciliation_key,
    exceptions.status,
    summaries.explanation
from exceptions
left join summaries
    on exceptions.reconciliation_key = summaries.reconciliation_key
where summaries.reconciliation_key is null or summaries.explanation is null
