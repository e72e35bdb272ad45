{#- Sign-offs from the reviewed seed (finance_sign_offs.csv of the company folder) and from sign-off files loaded
    with cloudcost load-finance, as one list. -#}

with

loaded_sign_offs as (
    {{ finance_source_select('raw_finance_sign_offs') }}
),

seeded_sign_offs as (
    select * from {{ ref('finance_sign_offs') }}
),

both_origins as (
    select
        'seed' as sign_off_origin,
        seeded_sign_offs.period as billing_period,
        seeded_sign_offs.payer_account_id,
        seeded_sign_offs.invoice_id,
        seeded_sign_offs.billing_entity,
        seeded_sign_offs.delivery_id,
        seeded_sign_offs.signed_off_by,
        seeded_sign_offs.signed_off_on,
        seeded_sign_offs.note
    from seeded_sign_offs
    union all
    select
        'file' as sign_off_origin,
        loaded_sign_offs.billing_period,
        loaded_sign_offs.payer_account_id,
        loaded_sign_offs.invoice_id,
        loaded_sign_offs.billing_entity,
        loaded_sign_offs.delivery_id,
        loaded_sign_offs.signed_off_by,
        loaded_sign_offs.signed_off_on,
        loaded_sign_offs.note
    from loaded_sign_offs
),

keyed as (
    select
        {{ row_key([
            'sign_off_origin',
            'billing_period',
            'payer_account_id',
            'invoice_id',
            'billing_entity',
            'delivery_id',
            'signed_off_by',
            'signed_off_on',
        ]) }} as sign_off_key,
        sign_off_origin,
        billing_period,
        payer_account_id,
        invoice_id,
        billing_entity,
        delivery_id,
        signed_off_by,
        signed_off_on,
        note
    from both_origins
)

select * from keyed
