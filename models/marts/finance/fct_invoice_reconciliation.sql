{#- The public contract of fct_invoice_reconciliation. Its rows are built in
    int_finance__invoice_reconciliation_signed_off, which other models read: a mart is a leaf of the DAG, read
    only by exposures, metrics, analyses and tests (docs/architecture.md).
    The contract in the YAML lists its columns. -#}

select * from {{ ref('int_finance__invoice_reconciliation_signed_off') }}  -- noqa: AM04
