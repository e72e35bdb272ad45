{#- The stack-ranked list of savings opportunities (docs: savings opportunity): every opportunity detected in
    the window and every opportunity the register names, with estimated monthly savings at public on-demand and
    net rates, the owner, status and decision date, and — for done items — the realized savings measured from
    actuals (docs: realized savings). Ranked by estimated savings at public rates, largest first.
    The recommender's purchases are found here (the CTE purchases); the other kinds in
    int_savings_opportunities__instances (unused commitments, previous generations) and
    int_savings_opportunities__resources (gp2 volumes, idle NAT gateways).
    Longer than ~200 lines on purpose: it sits at the end of the longest chain of the DAG (usage lines -> fees
    -> hourly profile -> what-ifs -> recommendations -> this); a model for the detected opportunities between
    the recommendations and this mart would deepen that chain. -#}

{%- set hours = hours_per_month() -%}

with

as_of as (
    select * from {{ ref('int_commitment_as_of') }}
),

recommendations as (
    select * from {{ ref('int_commitment_recommendations') }}
),

instance_opportunities as (
    select * from {{ ref('int_savings_opportunities__instances') }}
),

resource_opportunities as (
    select * from {{ ref('int_savings_opportunities__resources') }}
),

-- commitment purchases (the recommender)
purchases as (
    select
        case when commitment_type = 'reserved_instance' then 'ri_purchase' else 'sp_purchase' end
        || '|' || payer_account_id || '|' || coalesce(service_code, '*') || '|*|' || coalesce(region, '*')
        || '|' || commitment_group as opportunity_key,
        case when commitment_type = 'reserved_instance' then 'ri_purchase' else 'sp_purchase' end
            as opportunity_type,
        payer_account_id,
        currency,
        service_code,
        cast(null as {{ dbt.type_string() }}) as account_id,
        region,
        commitment_group as scope,
        case
            when commitment_type = 'reserved_instance'
                then
                    'buy ' || {{ number_to_text('recommended_instances', 0) }} || ' x '
                    || recommended_instance_type || ' ' || coalesce(platform, '') || ' reserved instances ('
                    || {{ number_to_text('term_years', 0) }} || ' yr, ' || payment_option || ', '
                    || offering || ')'
            else
                'commit ' || {{ number_to_text('hourly_commitment', 3) }}
                || ' per hour to a ' || offering || ' (' || {{ number_to_text('term_years', 0) }}
                || ' yr, ' || payment_option || ')'
        end as description,
        expected_monthly_commitment_cost as basis_monthly_cost,
        expected_monthly_savings as estimated_monthly_savings
    from recommendations
    where
        expected_monthly_savings > 0
        and (recommended_units > 0 or hourly_commitment > 0)
),

-- every opportunity detected in the window, one row each (keys as in int_savings_scope_daily)
detected as (
    select * from purchases
    union all
    select * from instance_opportunities  -- noqa: AM04
    union all
    select * from resource_opportunities  -- noqa: AM04
),

opportunity_register as (
    select * from {{ ref('savings_opportunity_register') }}
),

scope_daily as (
    select * from {{ ref('int_savings_scope_daily') }}
),

net_rates as (
    select * from {{ ref('int_commitment_net_rates') }}
),

scope_currencies as (
    select
        opportunity_key,
        max(currency) as currency
    from scope_daily
    group by opportunity_key
),

-- register rows whose opportunity is not detected now keep their place; their attributes come from the key
-- (type|payer|service|account|region|scope)
register_only as (
    select
        opportunity_register.opportunity_key,
        {{ dbt.split_part('opportunity_register.opportunity_key', "'|'", 1) }} as opportunity_type,
        {{ dbt.split_part('opportunity_register.opportunity_key', "'|'", 2) }} as payer_account_id,
        scope_currency.currency,
        nullif({{ dbt.split_part('opportunity_register.opportunity_key', "'|'", 3) }}, '*') as service_code,
        nullif({{ dbt.split_part('opportunity_register.opportunity_key', "'|'", 4) }}, '*') as account_id,
        nullif({{ dbt.split_part('opportunity_register.opportunity_key', "'|'", 5) }}, '*') as region,
        substring(
            opportunity_register.opportunity_key,
            length(
                {{ dbt.split_part('opportunity_register.opportunity_key', "'|'", 1) }} || '|'
                || {{ dbt.split_part('opportunity_register.opportunity_key', "'|'", 2) }} || '|'
                || {{ dbt.split_part('opportunity_register.opportunity_key', "'|'", 3) }} || '|'
                || {{ dbt.split_part('opportunity_register.opportunity_key', "'|'", 4) }} || '|'
                || {{ dbt.split_part('opportunity_register.opportunity_key', "'|'", 5) }} || '|'
            ) + 1
        ) as scope,
        'not detected in the current window' as description,
        cast(null as double precision) as basis_monthly_cost,
        cast(null as double precision) as estimated_monthly_savings
    from opportunity_register
    left join detected
        on opportunity_register.opportunity_key = detected.opportunity_key
    left join scope_currencies as scope_currency
        on opportunity_register.opportunity_key = scope_currency.opportunity_key
    where detected.opportunity_key is null
),

opportunities as (
    select
        detected.*,
        true as is_detected
    from detected
    union all
    select
        register_only.*,
        false as is_detected
    from register_only
),

registered as (
    select
        opportunities.*,
        coalesce(opportunity_register.owner, 'unassigned') as owner,  -- noqa: RF04
        coalesce(opportunity_register.status, 'open') as status,
        opportunity_register.decided_on,
        opportunity_register.note
    from opportunities
    left join opportunity_register
        on opportunities.opportunity_key = opportunity_register.opportunity_key
),

-- realized savings of done items: the window before the decision against the latest window after it
measured as (
    select
        registered.opportunity_key,
        min(case when scope_daily.usage_date < registered.decided_on then scope_daily.usage_date end)
            as baseline_start_date,
        max(case when scope_daily.usage_date < registered.decided_on then scope_daily.usage_date end)
            as baseline_end_date,
        min(case when scope_daily.usage_date >= registered.decided_on then scope_daily.usage_date end)
            as current_start_date,
        max(case when scope_daily.usage_date >= registered.decided_on then scope_daily.usage_date end)
            as current_end_date,
        sum(case when scope_daily.usage_date < registered.decided_on then scope_daily.scope_cost else 0 end)
            as baseline_cost,
        sum(case when scope_daily.usage_date < registered.decided_on then scope_daily.scope_units end)
            as baseline_units,
        sum(case when scope_daily.usage_date >= registered.decided_on then scope_daily.scope_cost else 0 end)
            as current_cost,
        sum(case when scope_daily.usage_date >= registered.decided_on then scope_daily.scope_units end)
            as current_units
    from registered
    cross join as_of
    inner join scope_daily
        on
            registered.opportunity_key = scope_daily.opportunity_key
            and (
                scope_daily.usage_date between registered.decided_on - as_of.window_days and registered.decided_on - 1
                or scope_daily.usage_date
                between greatest(registered.decided_on, as_of.window_start_date) and as_of.as_of_date
            )
    where registered.status = 'done' and registered.decided_on is not null
    group by registered.opportunity_key
),

measured_days as (
    select
        measured.*,
        {{ days_between('measured.baseline_start_date', 'measured.baseline_end_date') }} + 1 as baseline_days,
        {{ days_between('measured.current_start_date', 'measured.current_end_date') }} + 1 as current_days
    from measured
),

realized as (
    select
        measured_days.*,
        measured_days.baseline_cost / nullif(measured_days.baseline_days, 0) * {{ hours }} / 24
            as baseline_monthly_cost,
        measured_days.current_cost / nullif(measured_days.current_days, 0) * {{ hours }} / 24 as current_monthly_cost,
        case
            when measured_days.baseline_units is not null and measured_days.current_units is not null
                then
                    (
                        measured_days.baseline_cost / nullif(measured_days.baseline_units, 0)
                        - measured_days.current_cost / nullif(measured_days.current_units, 0)
                    )
                    * measured_days.current_units
                    / nullif(measured_days.current_days, 0) * {{ hours }} / 24
            else
                measured_days.baseline_cost / nullif(measured_days.baseline_days, 0) * {{ hours }} / 24
                - measured_days.current_cost / nullif(measured_days.current_days, 0) * {{ hours }} / 24
        end as realized_monthly_savings
    from measured_days
),

ranked as (
    select
        registered.*,
        coalesce(net_rates.net_to_public_ratio, 1) as net_to_public_ratio,
        row_number() over (
            order by
                coalesce(registered.estimated_monthly_savings, 0) desc,
                registered.opportunity_key
        ) as savings_rank
    from registered
    left join net_rates
        on
            registered.payer_account_id = net_rates.payer_account_id
            and registered.currency = net_rates.currency
)

select
    ranked.opportunity_key,
    cast(ranked.savings_rank as integer) as savings_rank,
    ranked.opportunity_type,
    ranked.payer_account_id,
    ranked.currency,
    ranked.service_code,
    ranked.account_id,
    ranked.region,
    ranked.scope,
    ranked.description,
    ranked.is_detected,
    as_of.as_of_date,
    as_of.window_start_date,
    cast(ranked.basis_monthly_cost as double precision) as basis_monthly_cost,
    cast(ranked.estimated_monthly_savings as double precision) as estimated_monthly_savings,
    cast(ranked.estimated_monthly_savings * ranked.net_to_public_ratio as double precision)
        as estimated_monthly_savings_net,
    cast(ranked.net_to_public_ratio as double precision) as net_to_public_ratio,
    ranked.owner,
    ranked.status,
    ranked.decided_on,
    ranked.note,
    realized.baseline_start_date,
    realized.baseline_end_date,
    realized.current_start_date,
    realized.current_end_date,
    cast(realized.baseline_monthly_cost as double precision) as baseline_monthly_cost,
    cast(realized.current_monthly_cost as double precision) as current_monthly_cost,
    cast(realized.realized_monthly_savings as double precision) as realized_monthly_savings,
    cast(realized.realized_monthly_savings * ranked.net_to_public_ratio as double precision)
        as realized_monthly_savings_net
from ranked
cross join as_of
left join realized
    on ranked.opportunity_key = realized.opportunity_key
