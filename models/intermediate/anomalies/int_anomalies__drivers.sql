{#- The likely cause of each anomaly: the resources (or, for lines without a resource id, the usage types)
    of its series whose cost moved most in the anomaly's direction: their cost on the anomaly's days minus
    their average cost on the same days of the trailing var('anomaly_baseline_weeks') weeks. The top var('anomaly_top_drivers') are listed, largest first. -#}

{%- set dimensions = anomaly_dimensions() %}
{%- set weeks = var('anomaly_baseline_weeks') | int %}

with

episodes as (
    select * from {{ ref('int_anomalies__episodes') }}
),

usage_lines as (
    select
        *,
        case when resource_id <> '' then resource_id else service_code || ' ' || usage_type end as driver
    from {{ ref('int_anomalies__usage_lines') }}
),

periods as (
    select
        anomaly_key,
        direction,
        payer_account_id,
        currency,
        {%- for dimension in dimensions %}
            {{ dimension }},
        {%- endfor %}
        first_day_number,
        last_day_number,
        cast(1 as {{ dbt.type_float() }}) as weight
    from episodes
    {%- for week in range(1, weeks + 1) %}
        union all
        select
            anomaly_key,
            direction,
            payer_account_id,
            currency,
            {%- for dimension in dimensions %}
                {{ dimension }},
            {%- endfor %}
            first_day_number - {{ 7 * week }} as first_day_number,
            last_day_number - {{ 7 * week }} as last_day_number,
            cast(-1.0 / {{ weeks }} as {{ dbt.type_float() }}) as weight
        from episodes
    {%- endfor %}
),

driver_changes as (
    select
        periods.anomaly_key,
        periods.direction,
        usage_lines.driver,
        -- in cents, so engines that add floats in another order still rank and print drivers alike
        cast(sum(periods.weight * usage_lines.public_on_demand_cost) as decimal(38, 2)) as cost_change
    from periods
    inner join usage_lines
        on
            periods.payer_account_id = usage_lines.payer_account_id
            and periods.currency = usage_lines.currency
            and usage_lines.day_number between periods.first_day_number and periods.last_day_number
            {%- for dimension in dimensions %}
                and (periods.{{ dimension }} is null or periods.{{ dimension }} = usage_lines.{{ dimension }})
            {%- endfor %}
    group by periods.anomaly_key, periods.direction, usage_lines.driver
),

ranked as (
    select
        anomaly_key,
        driver,
        cost_change,
        row_number() over (
            partition by anomaly_key
            order by case when direction = 'up' then cost_change else -cost_change end desc, driver
        ) as driver_rank
    from driver_changes
    where case when direction = 'up' then cost_change else -cost_change end > 0
)

select
    anomaly_key,
    {{ dbt.listagg(
        "driver || ' (' || case when cost_change >= 0 then '+' else '' end || cast(cost_change as "
        ~ dbt.type_string() ~ ") || ')'",
        "'; '",
        "order by driver_rank",
    ) }} as top_drivers
from ranked
where driver_rank <= {{ var('anomaly_top_drivers') }}
group by anomaly_key
