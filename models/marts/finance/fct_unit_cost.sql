{#- Infra cost per unit of a business metric (e.g. per 1,000 payments), daily and monthly, per payer and
    currency, for the functional group that serves the metric (seed finance_business_metrics) and for the
    whole company; marginal and fully loaded, at public on-demand and amortized cost. Daily fully loaded cost
    = the day's marginal cost × the billing period's loading factor. Volumes are company-wide: with several
    payers, add the payers' costs (and unit costs) of a day for the company figure. -#}

with

metrics as (
    select * from {{ ref('finance_business_metrics') }}
),

volumes as (
    select * from {{ ref('stg_finance__business_volumes') }}
),

group_costs as (
    select * from {{ ref('int_finance__functional_group_costs') }}
),

loading as (
    select * from {{ ref('int_finance__functional_group_loading') }}
),

monthly_volumes as (
    select
        metric_name,
        cast({{ dbt.date_trunc('month', 'volume_date') }} as date) as volume_month,
        sum(volume) as volume
    from volumes
    group by metric_name, {{ dbt.date_trunc('month', 'volume_date') }}
),

daily_group_costs as (
    select
        billing_period,
        usage_date,
        payer_account_id,
        currency,
        functional_group,
        'functional_group' as scope,
        usage_amortized_cost as marginal_amortized_cost,
        usage_on_demand_cost as marginal_on_demand_cost
    from group_costs
    union all
    select
        billing_period,
        usage_date,
        payer_account_id,
        currency,
        'all' as functional_group,
        'company' as scope,
        sum(usage_amortized_cost) as marginal_amortized_cost,
        sum(usage_on_demand_cost) as marginal_on_demand_cost
    from group_costs
    group by billing_period, usage_date, payer_account_id, currency
),

daily_loaded as (
    select
        daily_group_costs.usage_date,
        daily_group_costs.payer_account_id,
        daily_group_costs.currency,
        daily_group_costs.functional_group,
        daily_group_costs.scope,
        sum(daily_group_costs.marginal_amortized_cost) as marginal_amortized_cost,
        sum(daily_group_costs.marginal_on_demand_cost) as marginal_on_demand_cost,
        sum(daily_group_costs.marginal_amortized_cost * loading.amortized_loading_factor)
            as fully_loaded_amortized_cost,
        sum(daily_group_costs.marginal_on_demand_cost * loading.on_demand_loading_factor)
            as fully_loaded_on_demand_cost
    from daily_group_costs
    inner join loading
        on
            daily_group_costs.billing_period = loading.billing_period
            and daily_group_costs.payer_account_id = loading.payer_account_id
            and daily_group_costs.currency = loading.currency
            and daily_group_costs.functional_group = loading.functional_group
            and daily_group_costs.scope = loading.scope
    group by
        daily_group_costs.usage_date,
        daily_group_costs.payer_account_id,
        daily_group_costs.currency,
        daily_group_costs.functional_group,
        daily_group_costs.scope
),

costs as (
    select
        'day' as period_grain,
        usage_date as period_start,
        payer_account_id,
        currency,
        functional_group,
        scope,
        marginal_amortized_cost,
        marginal_on_demand_cost,
        fully_loaded_amortized_cost,
        fully_loaded_on_demand_cost
    from daily_loaded
    union all
    select
        'month' as period_grain,
        billing_period as period_start,
        payer_account_id,
        currency,
        functional_group,
        scope,
        marginal_amortized_cost,
        marginal_on_demand_cost,
        fully_loaded_amortized_cost,
        fully_loaded_on_demand_cost
    from loading
),

metric_costs as (
    select
        metrics.metric_name,
        metrics.unit_size,
        metrics.unit_label,
        costs.*
    from metrics
    inner join costs
        on costs.scope = 'company' or metrics.functional_group = costs.functional_group
),

with_volumes as (
    select
        metric_costs.*,
        case
            when metric_costs.period_grain = 'day' then daily_volumes.volume
            else monthly_volumes.volume
        end as business_volume
    from metric_costs
    left join volumes as daily_volumes
        on
            metric_costs.period_grain = 'day'
            and metric_costs.metric_name = daily_volumes.metric_name
            and metric_costs.period_start = daily_volumes.volume_date
    left join monthly_volumes
        on
            metric_costs.period_grain = 'month'
            and metric_costs.metric_name = monthly_volumes.metric_name
            and metric_costs.period_start = monthly_volumes.volume_month
),

final as (
    select
        {{ row_key(['period_grain', 'period_start', 'metric_name', 'scope', 'functional_group',
                    'payer_account_id', 'currency']) }} as unit_cost_key,
        period_grain,
        period_start,
        metric_name,
        scope,
        functional_group,
        payer_account_id,
        currency,
        business_volume,
        unit_size,
        unit_label,
        marginal_on_demand_cost,
        marginal_amortized_cost,
        fully_loaded_on_demand_cost,
        fully_loaded_amortized_cost,
        case
            when business_volume > 0 then marginal_on_demand_cost * unit_size / business_volume
        end as marginal_on_demand_unit_cost,
        case
            when business_volume > 0 then marginal_amortized_cost * unit_size / business_volume
        end as marginal_amortized_unit_cost,
        case
            when business_volume > 0 then fully_loaded_on_demand_cost * unit_size / business_volume
        end as fully_loaded_on_demand_unit_cost,
        case
            when business_volume > 0 then fully_loaded_amortized_cost * unit_size / business_volume
        end as fully_loaded_amortized_unit_cost
    from with_volumes
)

select * from final
