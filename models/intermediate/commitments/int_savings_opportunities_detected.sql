{#- Savings opportunities detected in the recommender's window (docs: savings opportunity), one row each, with
    the monthly (730-hour) cost of what it is about and the estimated monthly savings at public on-demand
    rates. Keys as in int_savings_scope_daily. The recommender's purchases are found here; the other kinds in
    int_savings_opportunities__instances (unused commitments, previous generations) and
    int_savings_opportunities__resources (gp2 volumes, idle NAT gateways). -#}

with

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
)

select * from purchases
union all
select * from instance_opportunities  -- noqa: AM04
union all
select * from resource_opportunities  -- noqa: AM04
