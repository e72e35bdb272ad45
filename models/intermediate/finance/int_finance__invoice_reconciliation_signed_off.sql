{#- The three-way invoice reconciliation (see int_finance__invoice_reconciliation) with the period's close
    date and the sign-off that accepts the row: the latest sign-off covering its period, payer, invoice and
    billing entity (empty sign-off fields cover all) that names the row's current delivery. A sign-off of an
    earlier delivery no longer applies; `has_stale_sign_off` shows one exists. The explanation of an unmatched
    row of a restated period says by how much the re-delivery changed the period.
    Three marts read it (fct_invoice_reconciliation publishes it, fct_period_close_status and
    fct_reconciliation_exceptions summarize it for the close): a fan-out by design, one set of rows per close. -#}

with

reconciliation as (
    select * from {{ ref('int_finance__invoice_reconciliation') }}
),

close_calendar as (
    select * from {{ ref('stg_finance__close_calendar') }}
),

sign_offs as (
    select * from {{ ref('stg_finance__sign_offs') }}
),

deliveries as (
    select * from {{ ref('int_finance__deliveries') }}
),

restated_deliveries as (
    select
        billing_period,
        payer_account_id,
        currency,
        loaded_at,
        total_unblended_cost - previous_total_unblended_cost as restatement_delta
    from deliveries
    where is_current and is_restatement
),

covering_sign_offs as (
    select
        reconciliation.reconciliation_key,
        sign_offs.signed_off_by,
        sign_offs.signed_off_on,
        sign_offs.note,
        coalesce(sign_offs.delivery_id, '') = coalesce(reconciliation.delivery_id, '') as is_for_current_delivery
    from reconciliation
    inner join sign_offs
        on
            reconciliation.billing_period = sign_offs.billing_period
            and (sign_offs.payer_account_id is null or reconciliation.payer_account_id = sign_offs.payer_account_id)
            and (sign_offs.invoice_id is null or reconciliation.invoice_id = sign_offs.invoice_id)
            and (sign_offs.billing_entity is null or reconciliation.billing_entity = sign_offs.billing_entity)
),

ranked_sign_offs as (
    select
        covering_sign_offs.*,
        row_number() over (
            partition by covering_sign_offs.reconciliation_key
            order by covering_sign_offs.signed_off_on desc, covering_sign_offs.signed_off_by asc
        ) as recency
    from covering_sign_offs
    where covering_sign_offs.is_for_current_delivery
),

stale_sign_offs as (
    select distinct reconciliation_key
    from covering_sign_offs
    where not is_for_current_delivery
),

final as (
    select
        reconciliation.reconciliation_key,
        reconciliation.billing_period,
        reconciliation.payer_account_id,
        reconciliation.invoice_id,
        reconciliation.billing_entity,
        reconciliation.invoicing_entity,
        reconciliation.currency,
        reconciliation.cur_currency,
        reconciliation.invoice_exchange_rate,
        reconciliation.status,
        reconciliation.status = 'matched' as is_matched,
        reconciliation.cur_billed_cost,
        reconciliation.cur_billed_cost_in_currency,
        reconciliation.cur_tax,
        reconciliation.invoice_amount_before_tax,
        reconciliation.invoice_tax,
        reconciliation.invoice_total,
        reconciliation.invoice_issue_date,
        reconciliation.ledger_posted,
        reconciliation.ledger_posted_other_periods,
        reconciliation.fx_difference,
        reconciliation.ledger_other_periods,
        reconciliation.ledger_line_count,
        reconciliation.cur_vs_invoice_difference,
        reconciliation.invoice_vs_ledger_difference,
        reconciliation.cur_vs_ledger_difference,
        reconciliation.largest_difference,
        reconciliation.tolerance,
        reconciliation.is_currency_mismatch,
        reconciliation.exception_reasons,
        reconciliation.difference_summary,
        case
            when reconciliation.status <> 'matched' and restated_deliveries.billing_period is not null
                then concat(
                        reconciliation.explanation,
                        ' The CUR of the period was re-delivered (loaded ',
                        cast(cast(restated_deliveries.loaded_at as date) as {{ dbt.type_string() }}),
                        '): its unblended cost changed by ',
                        {{ money_text('restated_deliveries.restatement_delta') }},
                        ' ', restated_deliveries.currency, ' against the previous delivery.'
                    )
            else reconciliation.explanation
        end as explanation,
        reconciliation.has_cur,
        reconciliation.has_invoice,
        reconciliation.has_ledger,
        reconciliation.is_ledger_only,
        reconciliation.invoice_billing_entity_count,
        reconciliation.ledger_share,
        reconciliation.discount_mode,
        reconciliation.delivery_id,
        close_calendar.closed_on,
        coalesce(close_calendar.closed_on <= {{ finance_as_of_date() }}, false) as is_period_closed,
        ranked_sign_offs.signed_off_by is not null as is_signed_off,
        ranked_sign_offs.signed_off_by,
        ranked_sign_offs.signed_off_on,
        ranked_sign_offs.note as sign_off_note,
        stale_sign_offs.reconciliation_key is not null as has_stale_sign_off,
        reconciliation.status = 'matched' or ranked_sign_offs.signed_off_by is not null as is_accepted
    from reconciliation
    left join close_calendar
        on reconciliation.billing_period = close_calendar.billing_period
    left join ranked_sign_offs
        on
            reconciliation.reconciliation_key = ranked_sign_offs.reconciliation_key
            and ranked_sign_offs.recency = 1
    left join stale_sign_offs
        on reconciliation.reconciliation_key = stale_sign_offs.reconciliation_key
    left join restated_deliveries
        on
            reconciliation.billing_period = restated_deliveries.billing_period
            and reconciliation.payer_account_id = restated_deliveries.payer_account_id
)

select * from final
