{#- Money is never lost: per currency, the ledger amounts the reconciliation attributes to its rows (posted in
    the invoice's period or in another) add up to the ledger lines loaded. Lines of an invoice whose row has a
    currency mismatch are left out on both sides (they are not added to amounts in another currency). -#}

with

mismatched_references as (
    select distinct coalesce(invoice_id, '') as invoice_reference
    from {{ ref('fct_invoice_reconciliation') }}
    where is_currency_mismatch
),

ledger_totals as (
    select
        ledger_lines.currency,
        sum(ledger_lines.amount) as ledger_amount
    from {{ ref('stg_finance__general_ledger') }} as ledger_lines
    left join mismatched_references
        on coalesce(ledger_lines.invoice_reference, '') = mismatched_references.invoice_reference
    where mismatched_references.invoice_reference is null
    group by ledger_lines.currency
),

reconciled_totals as (
    select
        currency,
        sum(ledger_posted + ledger_posted_other_periods) as reconciled_amount
    from {{ ref('fct_invoice_reconciliation') }}
    where not is_currency_mismatch
    group by currency
),

compared as (
    select
        coalesce(ledger_totals.currency, reconciled_totals.currency) as currency,
        coalesce(ledger_totals.ledger_amount, 0) as ledger_amount,
        coalesce(reconciled_totals.reconciled_amount, 0) as reconciled_amount
    from ledger_totals
    full outer join reconciled_totals
        on ledger_totals.currency = reconciled_totals.currency
)

select *
from compared
where abs(ledger_amount - reconciled_amount) > {{ var('conservation_tolerance') }}
