{#- Every reconciliation exception (status other than matched) explained: one `summary` row with its status
    and explanation, then its largest contributors (var reconciliation_top_contributors, default 3, by
    absolute amount) per kind: accounts, services and line item types of what the current CUR bills on the
    invoice (`cur_amount`) and of what the latest restatement changed on it (`restatement_delta`), and the
    ledger periods other than the invoice's own where lines for it were posted (`ledger_other_period`). -#}

{%- set top_contributors = var('reconciliation_top_contributors', 3) -%}
{%- set ledger_offset = var('ledger_period_offset_months', 0) -%}

with

exceptions as (
    select * from {{ ref('int_finance__invoice_reconciliation_signed_off') }}
    where status <> 'matched'
),

current_deliveries as (
    select * from {{ ref('int_finance__deliveries') }}
    where is_current
),

delivery_totals as (
    select * from {{ ref('stg_cur__delivery_totals') }}
),

restatements as (
    select * from {{ ref('int_finance__cur_restatements') }}
    where is_current_delivery and is_changed
),

ledger_lines as (
    select * from {{ ref('stg_finance__general_ledger') }}
),

current_totals as (
    select delivery_totals.*
    from delivery_totals
    inner join current_deliveries
        on
            delivery_totals.delivery_id = current_deliveries.delivery_id
            and delivery_totals.billing_period = current_deliveries.billing_period
            and delivery_totals.payer_account_id = current_deliveries.payer_account_id
),

{%- set dimensions = [('account', 'account_id'), ('service', 'service_code'), ('line_item_type', 'line_item_type')] %}

contributions as (
    {%- for contributor_type, column in dimensions %}
        select
            exceptions.reconciliation_key,
            'cur_amount' as contributor_basis,
            '{{ contributor_type }}' as contributor_type,
            current_totals.{{ column }} as contributor_value,
            sum(current_totals.unblended_cost) as contributor_amount
        from exceptions
        inner join current_totals
            on
                exceptions.billing_period = current_totals.billing_period
                and exceptions.payer_account_id = current_totals.payer_account_id
                and coalesce(exceptions.invoice_id, '') = coalesce(current_totals.invoice_id, '')
                and coalesce(exceptions.billing_entity, '') = coalesce(current_totals.billing_entity, '')
        where not exceptions.is_ledger_only
        group by exceptions.reconciliation_key, current_totals.{{ column }}
        union all
        select
            exceptions.reconciliation_key,
            'restatement_delta' as contributor_basis,
            '{{ contributor_type }}' as contributor_type,
            restatements.{{ column }} as contributor_value,
            sum(restatements.unblended_cost_delta) as contributor_amount
        from exceptions
        inner join restatements
            on
                exceptions.billing_period = restatements.billing_period
                and exceptions.payer_account_id = restatements.payer_account_id
                and coalesce(exceptions.invoice_id, '') = coalesce(restatements.invoice_id, '')
                and coalesce(exceptions.billing_entity, '') = coalesce(restatements.billing_entity, '')
        where not exceptions.is_ledger_only
        group by exceptions.reconciliation_key, restatements.{{ column }}
        union all
    {%- endfor %}
    select
        exceptions.reconciliation_key,
        'ledger_other_period' as contributor_basis,
        'ledger_period' as contributor_type,
        {{ period_label('ledger_lines.ledger_period') }} as contributor_value,
        sum(ledger_lines.amount) * max(exceptions.ledger_share) as contributor_amount
    from exceptions
    inner join ledger_lines
        on
            exceptions.invoice_id = ledger_lines.invoice_reference
            and ledger_lines.ledger_period <> {{ finance_add_months('exceptions.billing_period', ledger_offset) }}
            and exceptions.currency = ledger_lines.currency
    where not exceptions.is_ledger_only
    group by exceptions.reconciliation_key, ledger_lines.ledger_period
),

ranked as (
    select
        contributions.*,
        row_number() over (
            partition by
                contributions.reconciliation_key, contributions.contributor_basis, contributions.contributor_type
            order by abs(contributions.contributor_amount) desc, contributions.contributor_value
        ) as contributor_rank,
        sum(contributions.contributor_amount) over (
            partition by
                contributions.reconciliation_key, contributions.contributor_basis, contributions.contributor_type
        ) as basis_total
    from contributions
    where contributions.contributor_amount <> 0
),

contributor_rows as (
    select
        reconciliation_key,
        contributor_basis,
        contributor_type,
        contributor_value,
        contributor_amount,
        contributor_rank,
        case when basis_total <> 0 then contributor_amount / basis_total end as share_of_basis
    from ranked
    where contributor_rank <= {{ top_contributors }}
    union all
    select
        reconciliation_key,
        'summary' as contributor_basis,
        'status' as contributor_type,
        status as contributor_value,
        largest_difference as contributor_amount,
        0 as contributor_rank,
        cast(null as double precision) as share_of_basis
    from exceptions
),

final as (
    select
        {{ row_key([
            'contributor_rows.reconciliation_key',
            'contributor_rows.contributor_basis',
            'contributor_rows.contributor_type',
            'contributor_rows.contributor_rank',
        ]) }} as exception_contributor_key,
        exceptions.reconciliation_key,
        exceptions.billing_period,
        exceptions.payer_account_id,
        exceptions.currency,
        exceptions.invoice_id,
        exceptions.billing_entity,
        exceptions.status,
        exceptions.exception_reasons,
        exceptions.explanation,
        exceptions.largest_difference,
        exceptions.is_period_closed,
        exceptions.is_signed_off,
        contributor_rows.contributor_basis,
        contributor_rows.contributor_type,
        contributor_rows.contributor_value,
        contributor_rows.contributor_amount,
        cast(contributor_rows.contributor_rank as integer) as contributor_rank,
        contributor_rows.share_of_basis
    from contributor_rows
    inner join exceptions
        on contributor_rows.reconciliation_key = exceptions.reconciliation_key
)

select * from final
