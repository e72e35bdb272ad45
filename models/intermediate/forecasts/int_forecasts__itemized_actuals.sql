{#- Itemized actuals: the actual figures at exactly each forecast grain, keyed like the forecasts
    (grain_key + actual_date = a forecast's grain_key + target_date).
    - Usage: daily xlarge-normalized units per host type, and per host type × every combination of team,
      instance family and region (the optional keys of a usage forecast).
    - Cost: monthly public on-demand and amortized cost per currency × service × instance family × pricing
      model (all payers), with the realized effective discount rate; actual_date is the month's last day,
      and is_complete says whether the data holds the whole month. -#}

{%- set optional_keys = usage_forecast_optional_keys() %}
{%- set grains = [] %}
{%- for mask in range(2 ** (optional_keys | length)) %}
    {%- set chosen = [] %}
    {%- for key in optional_keys %}
        {%- if (mask // (2 ** loop.index0)) % 2 == 1 %}{% do chosen.append(key) %}{% endif %}
    {%- endfor %}
    {%- do grains.append(chosen) %}
{%- endfor %}

with

normalized_usage as (
    select * from {{ ref('int_normalized_usage_allocated') }}
),

daily_cost as (
    select * from {{ ref('int_forecasts__daily_cost') }}
),

cost_data_through as (
    select max(daily_cost.usage_date) as last_usage_date
    from daily_cost
),

usage_actuals as (
    {%- for chosen in grains %}
        select
            '{{ (["host_type"] + chosen) | join("_") }}' as forecast_grain,
            usage_date as actual_date,
            host_type,
            {%- for key in optional_keys %}
                {%- if key in chosen %}
                    {{ key }},
                {%- else %}
                    cast(null as {{ dbt.type_string() }}) as {{ key }},
                {%- endif %}
            {%- endfor %}
            sum(coalesce(normalized_units, 0)) as normalized_units
        from normalized_usage
        group by usage_date, host_type{% for key in chosen %}, {{ key }}{% endfor %}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

monthly_cost as (
    select
        billing_period as actual_month,
        grain_key,
        currency,
        service_code,
        instance_family,
        pricing_model,
        sum(public_on_demand_cost) as public_on_demand_cost,
        sum(amortized_cost) as amortized_cost
    from daily_cost
    group by
        billing_period,
        grain_key,
        currency,
        service_code,
        instance_family,
        pricing_model
),

usage_rows as (
    select
        'usage' as actual_kind,
        forecast_grain,
        {{ row_key(['forecast_grain', 'host_type', 'team', 'instance_family', 'region']) }} as grain_key,
        actual_date,
        {{ month_start('actual_date') }} as actual_month,
        true as is_complete,
        host_type,
        team,
        instance_family,
        region,
        cast(null as {{ dbt.type_string() }}) as service_code,
        cast(null as {{ dbt.type_string() }}) as pricing_model,
        cast(null as {{ dbt.type_string() }}) as currency,
        normalized_units,
        cast(null as double precision) as public_on_demand_cost,
        cast(null as double precision) as amortized_cost
    from usage_actuals
),

cost_rows as (
    select
        'cost' as actual_kind,
        'service_family_pricing_model' as forecast_grain,
        monthly_cost.grain_key,
        {{ month_end('monthly_cost.actual_month') }} as actual_date,
        monthly_cost.actual_month,
        {{ month_end('monthly_cost.actual_month') }} <= cost_data_through.last_usage_date as is_complete,
        cast(null as {{ dbt.type_string() }}) as host_type,
        cast(null as {{ dbt.type_string() }}) as team,
        monthly_cost.instance_family,
        cast(null as {{ dbt.type_string() }}) as region,
        monthly_cost.service_code,
        monthly_cost.pricing_model,
        monthly_cost.currency,
        cast(null as double precision) as normalized_units,
        monthly_cost.public_on_demand_cost,
        monthly_cost.amortized_cost
    from monthly_cost
    cross join cost_data_through
),

itemized as (
    select * from usage_rows
    union all
    select * from cost_rows
)

select
    {{ row_key(['grain_key', 'actual_date']) }} as itemized_actual_key,
    actual_kind,
    forecast_grain,
    grain_key,
    actual_date,
    actual_month,
    is_complete,
    host_type,
    team,
    instance_family,
    region,
    service_code,
    pricing_model,
    cast(null as {{ dbt.type_string() }}) as payer_account_id,
    currency,
    normalized_units,
    public_on_demand_cost,
    amortized_cost,
    case
        when public_on_demand_cost <> 0 then 1 - amortized_cost / public_on_demand_cost
    end as effective_discount_rate
from itemized
