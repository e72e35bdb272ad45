{#- Three-way reconciliation per billing period, invoice and billing entity: what the CUR bills, what the
    invoice file says, what the general ledger posted; the three differences, the tolerance, the status and
    which differences make it an exception (DESIGN: reconciliation). The wording (summary, explanation) is
    int_finance__invoice_reconciliation's; sign-offs and the close calendar are added after it.

    Longer than ~200 lines on purpose: the keys, the ledger's attribution and the comparison are one
    three-way match that a single unit test checks from its raw inputs (invoices, ledger lines, CUR totals,
    tolerances); cut apart, no test would see the whole match, and the close chain would get deeper.

    - Rows: every (period, invoice, billing entity) of the CUR or the invoice file (per payer where AWS has
      not invoiced the month yet: no invoice id tells payers apart), plus ledger references
      that neither knows (one row per ledger period and reference; lines without a reference form one row
      per period).
    - Ledger lines meet invoices by invoice reference. An invoice id found under several billing entities
      shares its ledger lines among them in proportion to their invoice totals (equal parts when those sum
      to zero), so no ledger amount is counted twice.
    - Ledger lines count as posted when their period is the invoice's billing period moved by var
      ledger_period_offset_months (0: the ledger books an invoice in the month of the usage); others are
      "posted in another period".
    - An invoice is in the ledger when a line referencing it is posted in its own period; lines only in
      other periods leave it missing_in_ledger (with those lines in the explanation).
    - A missing side counts as zero in the differences; amounts in different currencies are never
      compared (differences NULL, status exception), except an invoice that prints its exchange rate: the
      CUR is converted with that rate and compared in the invoice currency. Ledger lines that carry their
      own rate give the reconciling item fx (their amount less the same CUR amount at the invoice's rate),
      taken out of the ledger differences so a rate difference alone is not an exception. -#}

{%- set ledger_offset = var('ledger_period_offset_months', 0) -%}

with

cur_invoices as (
    select * from {{ ref('int_finance__cur_invoice_totals') }}
),

invoices as (
    select * from {{ ref('stg_finance__invoices') }}
),

ledger_lines as (
    select * from {{ ref('stg_finance__general_ledger') }}
),

tolerances as (
    select * from {{ ref('stg_finance__tolerances') }}
),

current_deliveries as (
    select * from {{ ref('int_finance__deliveries') }}
    where is_current
),

-- the period each ledger line belongs to, in billing periods
ledger_by_reference as (
    select
        invoice_reference,
        {{ finance_add_months('ledger_period', -ledger_offset) }} as billing_period,
        currency,
        sum(amount) as amount,
        sum(case when exchange_rate is not null then amount else 0 end) as amount_with_own_rate,
        sum(coalesce(amount / nullif(exchange_rate, 0), 0)) as cur_amount_at_own_rate,
        count(*) as line_count
    from ledger_lines
    group by invoice_reference, ledger_period, currency
),

-- an invoice id names one payer's invoice; a month AWS has not invoiced yet has no id, so there the payer
-- tells the rows of several payers apart
invoice_keys as (
    select
        billing_period,
        invoice_id,
        billing_entity,
        case when invoice_id is null then payer_account_id end as uninvoiced_payer_account_id
    from cur_invoices
    union
    select
        billing_period,
        invoice_id,
        billing_entity,
        cast(null as {{ dbt.type_string() }}) as uninvoiced_payer_account_id
    from invoices
),

known_invoice_ids as (
    select distinct invoice_id
    from invoice_keys
    where invoice_id is not null
),

ledger_only_keys as (
    select
        ledger_by_reference.billing_period,
        ledger_by_reference.invoice_reference as invoice_id,
        min(ledger_by_reference.currency) as ledger_currency
    from ledger_by_reference
    left join known_invoice_ids
        on ledger_by_reference.invoice_reference = known_invoice_ids.invoice_id
    where known_invoice_ids.invoice_id is null
    group by ledger_by_reference.billing_period, ledger_by_reference.invoice_reference
),

reconciliation_keys as (
    select
        billing_period,
        invoice_id,
        billing_entity,
        uninvoiced_payer_account_id,
        false as is_ledger_only,
        cast(null as {{ dbt.type_string() }}) as ledger_currency
    from invoice_keys
    union all
    select
        billing_period,
        invoice_id,
        cast(null as {{ dbt.type_string() }}) as billing_entity,
        cast(null as {{ dbt.type_string() }}) as uninvoiced_payer_account_id,
        true as is_ledger_only,
        ledger_currency
    from ledger_only_keys
),

sole_payers as (
    select
        billing_period,
        min(payer_account_id) as payer_account_id
    from current_deliveries
    group by billing_period
    having count(distinct payer_account_id) = 1
),

sides as (
    select
        reconciliation_keys.billing_period,
        reconciliation_keys.invoice_id,
        reconciliation_keys.billing_entity,
        reconciliation_keys.is_ledger_only,
        coalesce(
            cur_invoices.payer_account_id, invoices.payer_account_id, sole_payers.payer_account_id
        ) as payer_account_id,
        coalesce(invoices.currency, cur_invoices.currency, reconciliation_keys.ledger_currency) as currency,
        cur_invoices.billing_period is not null as has_cur,
        invoices.invoice_id is not null as has_invoice,
        cur_invoices.delivery_id as cur_delivery_id,
        cur_invoices.currency as cur_currency,
        cur_invoices.discount_mode,
        cur_invoices.cur_billed_cost,
        cur_invoices.cur_tax,
        invoices.invoicing_entity,
        invoices.currency as invoice_currency,
        invoices.amount_before_tax as invoice_amount_before_tax,
        invoices.tax_amount as invoice_tax,
        invoices.total_amount as invoice_total,
        invoices.issue_date as invoice_issue_date,
        case
            when invoices.currency <> cur_invoices.currency then invoices.exchange_rate
        end as invoice_exchange_rate
    from reconciliation_keys
    left join cur_invoices
        on
            not reconciliation_keys.is_ledger_only
            and reconciliation_keys.billing_period = cur_invoices.billing_period
            and coalesce(reconciliation_keys.invoice_id, '') = coalesce(cur_invoices.invoice_id, '')
            and coalesce(reconciliation_keys.billing_entity, '') = coalesce(cur_invoices.billing_entity, '')
            and (
                reconciliation_keys.uninvoiced_payer_account_id is null
                or reconciliation_keys.uninvoiced_payer_account_id = cur_invoices.payer_account_id
            )
    left join invoices
        on
            not reconciliation_keys.is_ledger_only
            and reconciliation_keys.billing_period = invoices.billing_period
            and reconciliation_keys.invoice_id = invoices.invoice_id
            and reconciliation_keys.billing_entity = invoices.billing_entity
    left join sole_payers
        on reconciliation_keys.billing_period = sole_payers.billing_period
),

-- an invoice id's share of its ledger lines per billing entity (1 when it has one billing entity)
ledger_shares as (
    select
        billing_period,
        invoice_id,
        billing_entity,
        count(*) over (partition by invoice_id) as billing_entity_count,
        case
            when count(*) over (partition by invoice_id) = 1 then 1.0
            when sum(coalesce(invoice_total, cur_billed_cost, 0)) over (partition by invoice_id) <> 0
                then
                    coalesce(invoice_total, cur_billed_cost, 0)
                    / sum(coalesce(invoice_total, cur_billed_cost, 0)) over (partition by invoice_id)
            else 1.0 / count(*) over (partition by invoice_id)
        end as ledger_share
    from sides
    where not is_ledger_only and invoice_id is not null
),

ledger_attributed as (
    select
        ledger_shares.billing_period,
        ledger_shares.invoice_id,
        ledger_shares.billing_entity,
        false as is_ledger_only,
        ledger_by_reference.billing_period as ledger_billing_period,
        ledger_by_reference.currency as ledger_currency,
        ledger_by_reference.amount * ledger_shares.ledger_share as amount,
        ledger_by_reference.amount_with_own_rate * ledger_shares.ledger_share as amount_with_own_rate,
        ledger_by_reference.cur_amount_at_own_rate * ledger_shares.ledger_share as cur_amount_at_own_rate,
        ledger_by_reference.line_count
    from ledger_shares
    inner join ledger_by_reference
        on ledger_shares.invoice_id = ledger_by_reference.invoice_reference
    union all
    select
        ledger_only_keys.billing_period,
        ledger_only_keys.invoice_id,
        cast(null as {{ dbt.type_string() }}) as billing_entity,
        true as is_ledger_only,
        ledger_by_reference.billing_period as ledger_billing_period,
        ledger_by_reference.currency as ledger_currency,
        ledger_by_reference.amount,
        ledger_by_reference.amount_with_own_rate,
        ledger_by_reference.cur_amount_at_own_rate,
        ledger_by_reference.line_count
    from ledger_only_keys
    inner join ledger_by_reference
        on
            ledger_only_keys.billing_period = ledger_by_reference.billing_period
            and coalesce(ledger_only_keys.invoice_id, '') = coalesce(ledger_by_reference.invoice_reference, '')
),

ledger_with_currency as (
    select
        ledger_attributed.*,
        sides.currency as row_currency
    from ledger_attributed
    inner join sides
        on
            ledger_attributed.billing_period = sides.billing_period
            and coalesce(ledger_attributed.invoice_id, '') = coalesce(sides.invoice_id, '')
            and coalesce(ledger_attributed.billing_entity, '') = coalesce(sides.billing_entity, '')
            and ledger_attributed.is_ledger_only = sides.is_ledger_only
),

ledger_other_periods as (
    select distinct
        billing_period,
        invoice_id,
        billing_entity,
        is_ledger_only,
        ledger_billing_period
    from ledger_with_currency
    where ledger_billing_period <> billing_period
),

ledger_other_period_labels as (
    select
        billing_period,
        invoice_id,
        billing_entity,
        is_ledger_only,
        {{ dbt.listagg(
            period_label(finance_add_months('ledger_billing_period', ledger_offset)),
            "', '",
            'order by ledger_billing_period',
        ) }} as ledger_other_periods
    from ledger_other_periods
    group by billing_period, invoice_id, billing_entity, is_ledger_only
),

ledger_totals as (
    select
        billing_period,
        invoice_id,
        billing_entity,
        is_ledger_only,
        sum(
            case
                when ledger_billing_period = billing_period and ledger_currency = row_currency then amount
                else 0
            end
        ) as ledger_posted,
        sum(
            case
                when ledger_billing_period <> billing_period and ledger_currency = row_currency then amount
                else 0
            end
        ) as ledger_posted_other_periods,
        sum(
            case
                when ledger_billing_period = billing_period and ledger_currency = row_currency
                    then amount_with_own_rate
                else 0
            end
        ) as ledger_posted_with_own_rate,
        sum(
            case
                when ledger_billing_period = billing_period and ledger_currency = row_currency
                    then cur_amount_at_own_rate
                else 0
            end
        ) as ledger_posted_cur_amount_at_own_rate,
        cast(sum(line_count) as bigint) as ledger_line_count,
        sum(case when ledger_billing_period = billing_period then line_count else 0 end) as posted_line_count,
        max(case when ledger_currency <> row_currency then 1 else 0 end) = 1 as has_other_ledger_currency,
        min(ledger_currency) as ledger_currency
    from ledger_with_currency
    group by billing_period, invoice_id, billing_entity, is_ledger_only
),

shares as (
    select
        sides.*,
        coalesce(ledger_shares.billing_entity_count, 1) as invoice_billing_entity_count,
        coalesce(ledger_shares.ledger_share, 1.0) as ledger_share
    from sides
    left join ledger_shares
        on
            sides.billing_period = ledger_shares.billing_period
            and sides.invoice_id = ledger_shares.invoice_id
            and sides.billing_entity = ledger_shares.billing_entity
),

compared as (
    select
        shares.*,
        coalesce(ledger_totals.posted_line_count, 0) > 0 as has_ledger,
        cast(coalesce(ledger_totals.ledger_line_count, 0) as bigint) as ledger_line_count,
        ledger_totals.ledger_currency,
        coalesce(ledger_totals.ledger_posted, 0) as ledger_posted,
        coalesce(ledger_totals.ledger_posted_other_periods, 0) as ledger_posted_other_periods,
        case
            when shares.invoice_exchange_rate is not null
                then
                    coalesce(ledger_totals.ledger_posted_with_own_rate, 0)
                    - coalesce(ledger_totals.ledger_posted_cur_amount_at_own_rate, 0) * shares.invoice_exchange_rate
            else 0
        end as fx_difference,
        shares.cur_billed_cost * coalesce(shares.invoice_exchange_rate, 1) as cur_billed_cost_in_currency,
        ledger_other_period_labels.ledger_other_periods,
        coalesce(tolerances.tolerance, {{ default_reconciliation_tolerance() }}) as tolerance,
        coalesce(ledger_totals.has_other_ledger_currency, false)
        or coalesce(
            shares.invoice_currency <> shares.cur_currency and shares.invoice_exchange_rate is null, false
        ) as is_currency_mismatch,
        coalesce(current_deliveries.delivery_id, shares.cur_delivery_id) as delivery_id
    from shares
    left join ledger_totals
        on
            shares.billing_period = ledger_totals.billing_period
            and coalesce(shares.invoice_id, '') = coalesce(ledger_totals.invoice_id, '')
            and coalesce(shares.billing_entity, '') = coalesce(ledger_totals.billing_entity, '')
            and shares.is_ledger_only = ledger_totals.is_ledger_only
    left join ledger_other_period_labels
        on
            shares.billing_period = ledger_other_period_labels.billing_period
            and coalesce(shares.invoice_id, '') = coalesce(ledger_other_period_labels.invoice_id, '')
            and coalesce(shares.billing_entity, '') = coalesce(ledger_other_period_labels.billing_entity, '')
            and shares.is_ledger_only = ledger_other_period_labels.is_ledger_only
    left join tolerances
        on shares.billing_entity = tolerances.billing_entity
    left join current_deliveries
        on
            shares.billing_period = current_deliveries.billing_period
            and shares.payer_account_id = current_deliveries.payer_account_id
),

differences as (
    select
        compared.*,
        case
            when not compared.is_currency_mismatch
                then coalesce(compared.cur_billed_cost_in_currency, 0) - coalesce(compared.invoice_total, 0)
        end as cur_vs_invoice_difference,
        case
            when not compared.is_currency_mismatch
                then coalesce(compared.invoice_total, 0) - (compared.ledger_posted - compared.fx_difference)
        end as invoice_vs_ledger_difference,
        case
            when not compared.is_currency_mismatch
                then
                    coalesce(compared.cur_billed_cost_in_currency, 0)
                    - (compared.ledger_posted - compared.fx_difference)
        end as cur_vs_ledger_difference
    from compared
),

statuses as (
    select
        differences.*,
        case
            when
                not differences.is_currency_mismatch
                and {{ within_tolerance('differences.cur_vs_invoice_difference', 'differences.tolerance') }}
                and {{ within_tolerance('differences.invoice_vs_ledger_difference', 'differences.tolerance') }}
                and {{ within_tolerance('differences.cur_vs_ledger_difference', 'differences.tolerance') }}
                and {{ within_tolerance('differences.ledger_posted_other_periods', 'differences.tolerance') }}
                then 'matched'
            when differences.is_ledger_only or not differences.has_invoice then 'missing_invoice'
            when not differences.has_cur then 'missing_in_cur'
            when not differences.has_ledger then 'missing_in_ledger'
            else 'exception'
        end as status,
        case
            when abs(coalesce(differences.cur_vs_invoice_difference, 0))
                >= abs(coalesce(differences.invoice_vs_ledger_difference, 0))
                and abs(coalesce(differences.cur_vs_invoice_difference, 0))
                >= abs(coalesce(differences.cur_vs_ledger_difference, 0))
                then differences.cur_vs_invoice_difference
            when abs(coalesce(differences.invoice_vs_ledger_difference, 0))
                >= abs(coalesce(differences.cur_vs_ledger_difference, 0))
                then differences.invoice_vs_ledger_difference
            else differences.cur_vs_ledger_difference
        end as largest_difference
    from differences
)

select
    statuses.*,
    case when statuses.status <> 'matched' then
            nullif(concat_ws(
                '; ',
                case when statuses.is_currency_mismatch then 'currency_mismatch' end,
                case
                    when not {{ within_tolerance('statuses.cur_vs_invoice_difference', 'statuses.tolerance') }}
                        then 'cur_vs_invoice'
                end,
                case
                    when not {{ within_tolerance('statuses.invoice_vs_ledger_difference', 'statuses.tolerance') }}
                        then 'invoice_vs_ledger'
                end,
                case
                    when not {{ within_tolerance('statuses.cur_vs_ledger_difference', 'statuses.tolerance') }}
                        then 'cur_vs_ledger'
                end,
                case
                    when not {{ within_tolerance('statuses.ledger_posted_other_periods', 'statuses.tolerance') }}
                        then 'ledger_in_other_period'
                end
            ), '')
    end as exception_reasons
from statuses
