{#- What the commitments known at the generation date do to each monthly cost forecast: per cost series and
    forecast month, the savings of the reservations and Savings Plans active in that month and their unused
    cost. A commitment counts when it was active in the base month (the last whole month of cost actuals).
    Its effect per active hour is the one it had in the base month — on each account and service it
    covered, savings = public on-demand − commitment cost of the covered usage; on its own account and
    service, its unused cost — and a forecast month gets it for the hours the commitment is active in that
    month: an expiry in month 5 prorates month 5 and leaves month 6 at public on-demand. The price-level
    discounts of the base month go with them: Spot and negotiated rates as a share of public on-demand, and
    the enterprise discounts (EDP, private rates, other discounts) as a ratio to the cost they apply to. -#}

with

history as (
    select * from {{ ref('int_forecasts__monthly_history') }}
),

forecast_months as (
    select distinct
        series_key,
        payer_account_id,
        currency,
        service_code,
        account_id,
        forecast_month
    from {{ ref('int_forecasts__monthly') }}
    where measure = 'cost'
),

base as (
    select
        max(history_month) as base_month,
        {{ finance_add_months('max(history_month)', 1) }} as base_month_end
    from history
    where measure = 'cost' and month_offset = 0
),

commitments as (
    select
        commitments.commitment_id,
        commitments.payer_account_id,
        commitments.currency,
        commitments.service_code,
        commitments.account_id,
        commitments.commitment_start_at,
        commitments.commitment_end_at,
        {{ overlap_hours(
            'commitments.commitment_start_at', 'commitments.commitment_end_at',
            'cast(base.base_month as timestamp)', 'cast(base.base_month_end as timestamp)',
        ) }} as base_active_hours
    from {{ ref('int_commitments') }} as commitments
    cross join base
),

covered as (
    select
        coalesce(usage_lines.reservation_arn, usage_lines.savings_plan_arn) as commitment_id,
        usage_lines.payer_account_id,
        usage_lines.currency,
        usage_lines.service_code,
        usage_lines.account_id,
        sum(usage_lines.list_cost - usage_lines.commitment_effective_cost) as base_savings,
        cast(0 as double precision) as base_unused_cost
    from {{ ref('int_commitment_usage_lines') }} as usage_lines
    inner join base
        on usage_lines.billing_period = base.base_month
    where usage_lines.coverage_category in ('ri_covered', 'sp_covered')
    group by
        coalesce(usage_lines.reservation_arn, usage_lines.savings_plan_arn),
        usage_lines.payer_account_id,
        usage_lines.currency,
        usage_lines.service_code,
        usage_lines.account_id
),

unused as (
    select
        fees.commitment_id,
        commitments.payer_account_id,
        commitments.currency,
        commitments.service_code,
        commitments.account_id,
        cast(0 as double precision) as base_savings,
        sum(coalesce(fees.unused_cost, 0)) as base_unused_cost
    from {{ ref('int_commitment_fees') }} as fees
    inner join base
        on fees.billing_period = base.base_month
    inner join commitments
        on fees.commitment_id = commitments.commitment_id
    group by
        fees.commitment_id,
        commitments.payer_account_id,
        commitments.currency,
        commitments.service_code,
        commitments.account_id
),

effect_lines as (
    select * from covered
    union all
    select * from unused
),

effects as (
    select
        {{ row_key([
            "'cost'", 'effects.payer_account_id', 'effects.currency', 'effects.service_code', 'effects.account_id',
            'cast(null as ' ~ dbt.type_string() ~ ')',
        ]) }} as series_key,
        effects.commitment_id,
        commitments.commitment_start_at,
        commitments.commitment_end_at,
        sum(effects.base_savings) / max(commitments.base_active_hours) as savings_per_hour,
        sum(effects.base_unused_cost) / max(commitments.base_active_hours) as unused_cost_per_hour
    from effect_lines as effects
    inner join commitments
        on effects.commitment_id = commitments.commitment_id
    where commitments.base_active_hours > 0
    group by
        effects.payer_account_id,
        effects.currency,
        effects.service_code,
        effects.account_id,
        effects.commitment_id,
        commitments.commitment_start_at,
        commitments.commitment_end_at
),

rate_discounts as (
    select
        {{ row_key([
            "'cost'", 'cost_daily.payer_account_id', 'cost_daily.currency', 'cost_daily.service_code',
            'cost_daily.account_id', 'cast(null as ' ~ dbt.type_string() ~ ')',
        ]) }} as series_key,
        sum(cost_daily.negotiated_rate + cost_daily.spot_discount) as price_discounts,
        sum(cost_daily.edp_discount + cost_daily.private_rate_discount + cost_daily.other_discount)
            as enterprise_discounts,
        sum(
            cost_daily.on_demand + cost_daily.negotiated_rate + cost_daily.spot_discount + cost_daily.ri_discount
            + cost_daily.ri_unused + cost_daily.sp_discount + cost_daily.sp_unused + cost_daily.fee
        ) as discountable_cost,
        sum(cost_daily.on_demand) as public_on_demand_cost
    from {{ ref('int_cost_daily') }} as cost_daily
    inner join base
        on {{ month_start('cost_daily.usage_date') }} = base.base_month
    group by
        cost_daily.payer_account_id,
        cost_daily.currency,
        cost_daily.service_code,
        cost_daily.account_id
),

applied as (
    select
        forecast_months.series_key,
        forecast_months.forecast_month,
        effects.commitment_id,
        effects.savings_per_hour,
        effects.unused_cost_per_hour,
        {{ overlap_hours(
            'effects.commitment_start_at', 'effects.commitment_end_at',
            'cast(forecast_months.forecast_month as timestamp)',
            'cast(' ~ finance_add_months('forecast_months.forecast_month', 1) ~ ' as timestamp)',
        ) }} as active_hours
    from forecast_months
    left join effects
        on forecast_months.series_key = effects.series_key
)

select
    applied.series_key,
    applied.forecast_month,
    count(distinct case when applied.active_hours > 0 then applied.commitment_id end) as active_commitments,
    coalesce(sum(applied.savings_per_hour * applied.active_hours), 0) as commitment_savings,
    coalesce(sum(applied.unused_cost_per_hour * applied.active_hours), 0) as unused_commitment_cost,
    coalesce(max(rate_discounts.price_discounts) / nullif(max(rate_discounts.public_on_demand_cost), 0), 0)
        as price_discount_share,
    1 + coalesce(max(rate_discounts.enterprise_discounts) / nullif(max(rate_discounts.discountable_cost), 0), 0)
        as enterprise_discount_ratio
from applied
left join rate_discounts
    on applied.series_key = rate_discounts.series_key
group by applied.series_key, applied.forecast_month
