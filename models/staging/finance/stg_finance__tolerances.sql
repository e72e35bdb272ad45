{#- Reconciliation tolerance per billing entity (seed finance_reconciliation_tolerances); a billing entity
    without a row uses var reconciliation_default_tolerance (0.01). -#}

with

seeded as (
    select * from {{ ref('finance_reconciliation_tolerances') }}
),

renamed as (
    select
        billing_entity,
        tolerance,
        note
    from seeded
)

select * from renamed
