{#- Close status per billing period and payer (DESIGN: a closed period that does not reconcile fails the
    build). A closed period fails when an invoice is not matched and no sign-off of the current delivery
    accepts it, or when its current delivery is a restatement that arrived after the close and no sign-off
    names that delivery. `failure_message` says which period, which invoices and which amounts.

    Longer than ~200 lines on purpose: it is the decision the build fails on, and its unit test follows one period
    from reconciliation rows, deliveries, calendar and sign-offs to the failure message; its inputs are already
    intermediate models, so a split would only move its CTEs one level down the DAG. -#}

with

reconciliation as (
    select * from {{ ref('int_finance__invoice_reconciliation_signed_off') }}
),

deliveries as (
    select * from {{ ref('int_finance__deliveries') }}
),

close_calendar as (
    select * from {{ ref('stg_finance__close_calendar') }}
),

sign_offs as (
    select * from {{ ref('stg_finance__sign_offs') }}
),

current_deliveries as (
    select *
    from deliveries
    where is_current
),

delivery_counts as (
    select
        billing_period,
        payer_account_id,
        count(*) as delivery_count
    from deliveries
    group by billing_period, payer_account_id
),

period_keys as (
    select
        billing_period,
        payer_account_id
    from reconciliation
    union
    select
        billing_period,
        payer_account_id
    from current_deliveries
),

unaccepted_rows as (
    select
        billing_period,
        payer_account_id,
        concat(
            case when invoice_id is null then 'no invoice id' else concat('invoice ', invoice_id) end,
            ' (', coalesce(billing_entity, 'ledger only'), ') ', status, ': ', difference_summary
        ) as row_summary,
        abs(coalesce(largest_difference, 0)) as absolute_difference
    from reconciliation
    where not is_accepted
),

row_counts as (
    select
        billing_period,
        payer_account_id,
        count(*) as invoice_count,
        count(case when is_matched then 1 end) as matched_count,
        count(case when not is_matched and is_signed_off then 1 end) as signed_off_count,
        count(case when not is_accepted then 1 end) as unaccepted_count,
        min(currency) as currency
    from reconciliation
    group by billing_period, payer_account_id
),

unaccepted_summaries as (
    select
        billing_period,
        payer_account_id,
        {{ dbt.listagg(
            'row_summary', "'; '", 'order by absolute_difference desc, row_summary', 5
        ) }} as unaccepted_summary
    from unaccepted_rows
    group by billing_period, payer_account_id
),

restatement_sign_offs as (
    select distinct
        current_deliveries.billing_period,
        current_deliveries.payer_account_id
    from current_deliveries
    inner join sign_offs
        on
            current_deliveries.billing_period = sign_offs.billing_period
            and current_deliveries.delivery_id = sign_offs.delivery_id
            and (
                sign_offs.payer_account_id is null
                or current_deliveries.payer_account_id = sign_offs.payer_account_id
            )
),

assembled as (
    select
        period_keys.billing_period,
        period_keys.payer_account_id,
        coalesce(current_deliveries.currency, row_counts.currency) as currency,
        close_calendar.closed_on,
        coalesce(close_calendar.closed_on <= {{ finance_as_of_date() }}, false) as is_closed,
        current_deliveries.delivery_id,
        current_deliveries.loaded_at as delivery_loaded_at,
        coalesce(delivery_counts.delivery_count, 0) as delivery_count,
        coalesce(row_counts.invoice_count, 0) as invoice_count,
        coalesce(row_counts.matched_count, 0) as matched_count,
        coalesce(row_counts.signed_off_count, 0) as signed_off_count,
        coalesce(row_counts.unaccepted_count, 0) as unaccepted_count,
        unaccepted_summaries.unaccepted_summary,
        coalesce(current_deliveries.is_restatement and current_deliveries.is_after_close, false)
            as is_restated_after_close,
        current_deliveries.previous_delivery_id,
        current_deliveries.total_unblended_cost - current_deliveries.previous_total_unblended_cost
            as restatement_delta,
        restatement_sign_offs.billing_period is not null as is_delivery_signed_off
    from period_keys
    left join current_deliveries
        on
            period_keys.billing_period = current_deliveries.billing_period
            and period_keys.payer_account_id = current_deliveries.payer_account_id
    left join delivery_counts
        on
            period_keys.billing_period = delivery_counts.billing_period
            and period_keys.payer_account_id = delivery_counts.payer_account_id
    left join row_counts
        on
            period_keys.billing_period = row_counts.billing_period
            and coalesce(period_keys.payer_account_id, '') = coalesce(row_counts.payer_account_id, '')
    left join unaccepted_summaries
        on
            period_keys.billing_period = unaccepted_summaries.billing_period
            and coalesce(period_keys.payer_account_id, '') = coalesce(unaccepted_summaries.payer_account_id, '')
    left join close_calendar
        on period_keys.billing_period = close_calendar.billing_period
    left join restatement_sign_offs
        on
            period_keys.billing_period = restatement_sign_offs.billing_period
            and period_keys.payer_account_id = restatement_sign_offs.payer_account_id
),

statuses as (
    select
        assembled.*,
        assembled.is_restated_after_close and not assembled.is_delivery_signed_off as has_unaccepted_restatement,
        case
            when not assembled.is_closed then 'open'
            when
                assembled.unaccepted_count > 0
                or (assembled.is_restated_after_close and not assembled.is_delivery_signed_off)
                then 'failing'
            when assembled.signed_off_count > 0 or assembled.is_restated_after_close then 'accepted'
            else 'reconciled'
        end as close_status
    from assembled
),

final as (
    select
        {{ row_key(['billing_period', 'payer_account_id']) }} as period_close_key,
        billing_period,
        payer_account_id,
        currency,
        closed_on,
        is_closed,
        close_status,
        delivery_id,
        delivery_loaded_at,
        delivery_count,
        previous_delivery_id,
        is_restated_after_close,
        restatement_delta,
        is_delivery_signed_off,
        has_unaccepted_restatement,
        invoice_count,
        matched_count,
        signed_off_count,
        unaccepted_count,
        unaccepted_summary,
        case
            when unaccepted_count > 0 or has_unaccepted_restatement
                then concat(
                        'period ', {{ period_label('billing_period') }},
                        ' (payer ', coalesce(payer_account_id, 'unknown'),
                        case
                            when is_closed then concat(', closed on ', cast(closed_on as {{ dbt.type_string() }}))
                            else ', open'
                        end,
                        '): ',
                        case
                            when has_unaccepted_restatement
                                then concat(
                                        'restated after the close by delivery ', delivery_id, ' (loaded ',
                                        cast(cast(delivery_loaded_at as date) as {{ dbt.type_string() }}),
                                        '), unblended cost changed by ', {{ money_text('restatement_delta') }}, ' ',
                                        currency, ' against the previous delivery',
                                        case when unaccepted_count > 0 then '; ' end
                                    )
                        end,
                        case
                            when unaccepted_count > 0
                                then concat(
                                        cast(unaccepted_count as {{ dbt.type_string() }}),
                                        ' invoice row(s) not reconciled: ', unaccepted_summary
                                    )
                        end,
                        '. To accept it, sign off delivery ', coalesce(delivery_id, '(none)'),
                        ' for this period in finance_sign_offs.csv of the company folder.'
                    )
        end as failure_message
    from statuses
)

select * from final
