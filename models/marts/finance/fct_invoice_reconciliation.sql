{#- The public contract of fct_invoice_reconciliation. Its rows are built in
    int_finance__invoice_reconciliation_signed_off, which other models read: a mart is a leaf of the DAG, read
    only by exposures, metrics, analyses and tests (docs/architecture.md). -#}

select * from {{ ref('int_finance__invoice_reconciliation_signed_off') }}  -- noqa: AM04 (the columns are the contract's, in the YAML)
