{#- The reconciliation rows of int_finance__reconciliation_statuses in words: a one-line summary of the three
    differences and an explanation of each row that is not matched (which side is missing, what the ledger
    posts in other periods, why currencies are not compared). The numbers and statuses are not changed
    here; sign-offs and the close calendar are added in int_finance__invoice_reconciliation_signed_off. -#}

with

statuses as (
    select * from {{ ref('int_finance__reconciliation_statuses') }}
),

explained as (
    select
        statuses.*,
        concat(
            'CUR - invoice = ', coalesce({{ money_text('statuses.cur_vs_invoice_difference') }}, 'n/a'),
            '; invoice - ledger = ', coalesce({{ money_text('statuses.invoice_vs_ledger_difference') }}, 'n/a'),
            '; CUR - ledger = ', coalesce({{ money_text('statuses.cur_vs_ledger_difference') }}, 'n/a'),
            ' ', statuses.currency,
            case
                when statuses.invoice_exchange_rate is not null
                    then concat(
                            '; CUR converted from ', statuses.cur_currency, ' at the invoice rate ',
                            cast(statuses.invoice_exchange_rate as {{ dbt.type_string() }}),
                            '; reconciling item fx (ledger rate vs invoice rate) = ',
                            {{ money_text('statuses.fx_difference') }}
                        )
                else ''
            end,
            ' (tolerance ', cast(statuses.tolerance as {{ dbt.type_string() }}), ')'
        ) as difference_summary
    from statuses
),

described as (
    select
        explained.*,
        case explained.status
            when 'matched' then null
            when 'missing_invoice'
                then
                    case
                        when explained.is_ledger_only and explained.invoice_id is null
                            then concat(
                                    'The ledger posts ', {{ money_text('explained.ledger_posted') }}, ' ',
                                    explained.currency, ' in ', {{ period_label('explained.billing_period') }},
                                    ' without an invoice reference.'
                                )
                        when explained.is_ledger_only
                            then concat(
                                    'The ledger posts ',
                                    {{ money_text('explained.ledger_posted + explained.ledger_posted_other_periods') }},
                                    ' ', explained.currency, ' against invoice reference ', explained.invoice_id,
                                    ', which neither the invoice file nor the CUR knows.'
                                )
                        when explained.invoice_id is null
                            then concat(
                                    'The CUR has ', {{ money_text('explained.cur_billed_cost') }}, ' ',
                                    explained.currency, ' of ', coalesce(explained.billing_entity, 'no billing entity'),
                                    ' on no invoice yet (AWS sets the invoice id after the month is invoiced).'
                                )
                        else concat(
                                'The CUR bills ', {{ money_text('explained.cur_billed_cost') }}, ' ',
                                explained.currency, ' on invoice ', explained.invoice_id, ' (',
                                explained.billing_entity, ') but the invoice file has no such invoice.'
                            )
                    end
            when 'missing_in_cur'
                then concat(
                        'Invoice ', explained.invoice_id, ' (', explained.billing_entity, ') of ',
                        {{ money_text('explained.invoice_total') }}, ' ', explained.currency,
                        ' has no line in the CUR of ', {{ period_label('explained.billing_period') }}, '.'
                    )
            when 'missing_in_ledger'
                then concat(
                        'Invoice ', explained.invoice_id, ' (', explained.billing_entity, ') of ',
                        {{ money_text('explained.invoice_total') }}, ' ', explained.currency,
                        case
                            when explained.ledger_other_periods is null
                                then ' has no general-ledger line referencing it.'
                            else concat(
                                    ' has no general-ledger line in ', {{ period_label('explained.billing_period') }},
                                    '; the ledger posts ', {{ money_text('explained.ledger_posted_other_periods') }},
                                    ' ', explained.currency, ' for it in another period (',
                                    explained.ledger_other_periods, ').'
                                )
                        end
                    )
            else concat(
                    case
                        when explained.is_currency_mismatch
                            then concat(
                                    'Currencies differ (invoice ', coalesce(explained.invoice_currency, 'none'),
                                    ', CUR ', coalesce(explained.cur_currency, 'none'),
                                    ', ledger ', coalesce(explained.ledger_currency, 'none'),
                                    '): amounts in different currencies are not compared. '
                                )
                    end,
                    explained.difference_summary, '.',
                    case
                        when explained.ledger_other_periods is not null
                            then concat(
                                    ' The ledger posts ', {{ money_text('explained.ledger_posted_other_periods') }},
                                    ' ', explained.currency, ' for this invoice in another period (',
                                    explained.ledger_other_periods, ').'
                                )
                    end
                )
        end as explanation
    from explained
),

final as (
    select
        {{ row_key(['billing_period', 'payer_account_id', 'invoice_id', 'billing_entity', 'is_ledger_only']) }}
            as reconciliation_key,
        billing_period,
        payer_account_id,
        invoice_id,
        billing_entity,
        invoicing_entity,
        currency,
        cur_currency,
        invoice_exchange_rate,
        is_ledger_only,
        has_cur,
        has_invoice,
        has_ledger,
        delivery_id,
        discount_mode,
        cur_billed_cost,
        cur_billed_cost_in_currency,
        cur_tax,
        invoice_amount_before_tax,
        invoice_tax,
        invoice_total,
        invoice_issue_date,
        ledger_posted,
        ledger_posted_other_periods,
        fx_difference,
        ledger_other_periods,
        ledger_line_count,
        ledger_currency,
        invoice_billing_entity_count,
        ledger_share,
        cur_vs_invoice_difference,
        invoice_vs_ledger_difference,
        cur_vs_ledger_difference,
        largest_difference,
        tolerance,
        is_currency_mismatch,
        status,
        exception_reasons,
        difference_summary,
        explanation
    from described
)

select * from final
