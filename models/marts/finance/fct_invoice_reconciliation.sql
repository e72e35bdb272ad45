{#- The public contract of fct_invoice_reconciliation: the logic is in int_finance__invoice_reconciliation_signed_off, which other models read (a mart is a
    leaf of the DAG: nothing but exposures, metrics, analyses and tests reads it). -#}

select * from {{ ref('int_finance__invoice_reconciliation_signed_off') }}
