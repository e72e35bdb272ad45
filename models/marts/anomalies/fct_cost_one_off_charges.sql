{#- Charges that are not usage and so never go to the anomaly detector: fees (support, monthly and upfront
    commitment fees), tax, credits, refunds and commitment purchases, listed per day, payer, account, invoice,
    service, kind, usage type and commitment at billed (unblended) and amortized cost. -#}

{%- set support_codes = var('support_service_codes') %}

with

cost_lines as (
    select * from {{ ref('int_cost_lines') }}
    where
        line_item_type in ('Fee', 'Tax', 'Credit', 'Refund', 'SavingsPlanUpfrontFee', 'FlatRateSubscription')
        or service_code in (
            {%- for code in support_codes %}
                '{{ code }}'{{ "," if not loop.last }}
            {%- endfor %}
        )
),

classified as (
    select
        usage_date,
        billing_period,
        payer_account_id,
        account_id,
        coalesce(invoice_id, '') as invoice_id,
        currency,
        service_code,
        line_item_type,
        case
            when is_cash_only and line_item_type = 'Refund' then 'commitment_refund'
            when is_cash_only or line_item_type = 'SavingsPlanUpfrontFee' then 'commitment_purchase'
            when line_item_type = 'Tax' then 'tax'
            when line_item_type = 'Credit' then 'credit'
            when line_item_type = 'Refund' then 'refund'
            when
                service_code in (
                    {%- for code in support_codes %}
                        '{{ code }}'{{ "," if not loop.last }}
                    {%- endfor %}
                )
                then 'support'
            else 'fee'
        end as charge_kind,
        coalesce(usage_type, '') as usage_type,
        coalesce(reservation_arn, savings_plan_arn, '') as commitment_id,
        billed_cost,
        amortized_cost
    from cost_lines
)

select
    {{ row_key([
        'usage_date', 'billing_period', 'payer_account_id', 'account_id', 'invoice_id', 'currency',
        'service_code', 'line_item_type', 'charge_kind', 'usage_type', 'commitment_id',
    ]) }} as one_off_charge_key,
    usage_date,
    billing_period,
    payer_account_id,
    account_id,
    invoice_id,
    currency,
    service_code,
    line_item_type,
    charge_kind,
    usage_type,
    commitment_id,
    cast(sum(billed_cost) as decimal(38, 10)) as billed_cost,
    cast(sum(amortized_cost) as decimal(38, 10)) as amortized_cost,
    cast(count(*) as bigint) as line_count
from classified
group by
    usage_date,
    billing_period,
    payer_account_id,
    account_id,
    invoice_id,
    currency,
    service_code,
    line_item_type,
    charge_kind,
    usage_type,
    commitment_id
