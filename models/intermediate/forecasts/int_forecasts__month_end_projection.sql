{#- The month-end projection for Finance (forecast source `month_end_projection`): for the open month (the
    month of the generation date), per currency × service × instance family × pricing model, the projected
    public on-demand and amortized (net) cost = actuals to date + the daily run rate × the days left +
    the monthly charges not booked yet.

    - Run rate: mean daily cost of the last 7 days of data, leaving out first days of a month.
    - Monthly charges: AWS books RI fees, support, tax and other monthly charges on the first day of the
      month, and a month-to-date CUR holds them only in part (prorated to date) or not at all (support).
      The monthly charges of a month are its first day's cost above a normal day (the month's mean of the
      other days). Until the open month's reach those of the last complete month, the difference is added. -#}

{%- set measures = ['public_on_demand_cost', 'amortized_cost'] %}

with

as_of as (
    select * from {{ ref('int_forecasts__as_of') }}
),

daily_cost as (
    select daily_cost.*
    from {{ ref('int_forecasts__daily_cost') }} as daily_cost
    cross join as_of
    where daily_cost.usage_date <= as_of.cost_data_through
),

months as (
    select
        as_of.open_month,
        {{ month_end('as_of.open_month') }} as open_month_end,
        {{ days_between(add_days('as_of.open_month', -1), month_end('as_of.open_month')) }} as open_month_days,
        greatest(
            0,
            least(
                {{ days_between(add_days('as_of.open_month', -1), 'as_of.cost_data_through') }},
                {{ days_between(add_days('as_of.open_month', -1), month_end('as_of.open_month')) }}
            )
        ) as observed_days,
        max(daily_cost.billing_period) as last_complete_month
    from as_of
    left join daily_cost
        on
            {{ month_end('daily_cost.billing_period') }} <= as_of.cost_data_through
            and as_of.open_month > daily_cost.billing_period
    group by as_of.open_month, as_of.cost_data_through
),

run_rate_days as (
    select distinct daily_cost.usage_date
    from daily_cost
    cross join as_of
    where
        daily_cost.usage_date > {{ add_days('as_of.cost_data_through', -7) }}
        and extract(day from daily_cost.usage_date) <> 1
),

run_rate_day_count as (
    select count(*) as day_count from run_rate_days
),

run_rates as (
    select
        daily_cost.grain_key,
        {%- for measure in measures %}
            sum(daily_cost.{{ measure }}) / max(run_rate_day_count.day_count) as {{ measure }}_per_day
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from daily_cost
    inner join run_rate_days
        on daily_cost.usage_date = run_rate_days.usage_date
    cross join run_rate_day_count
    group by daily_cost.grain_key
),

open_month_actuals as (
    select
        daily_cost.grain_key,
        {%- for measure in measures %}
            sum(daily_cost.{{ measure }}) as {{ measure }}_to_date,
            sum(case when daily_cost.usage_date = months.open_month then daily_cost.{{ measure }} else 0 end)
                as {{ measure }}_first_day
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from daily_cost
    inner join months
        on daily_cost.billing_period = months.open_month
    group by daily_cost.grain_key
),

last_complete_month_actuals as (
    select
        daily_cost.grain_key,
        {%- for measure in measures %}
            sum(case when daily_cost.usage_date = months.last_complete_month then daily_cost.{{ measure }} else 0 end)
            - sum(case when daily_cost.usage_date > months.last_complete_month then daily_cost.{{ measure }} else 0 end)
            / ({{ days_between('months.last_complete_month', month_end('months.last_complete_month')) }})
                as {{ measure }}_monthly_charges
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from daily_cost
    inner join months
        on daily_cost.billing_period = months.last_complete_month
    group by daily_cost.grain_key, months.last_complete_month
),

grains as (
    select
        daily_cost.grain_key,
        max(daily_cost.currency) as currency,
        max(daily_cost.service_code) as service_code,
        max(daily_cost.instance_family) as instance_family,
        max(daily_cost.pricing_model) as pricing_model
    from daily_cost
    cross join months
    where daily_cost.billing_period in (months.open_month, months.last_complete_month)
    group by daily_cost.grain_key
),

components as (
    select
        grains.*,
        months.open_month_days,
        months.observed_days,
        {%- for measure in measures %}
            coalesce(open_month_actuals.{{ measure }}_to_date, 0) as {{ measure }}_to_date,
            coalesce(run_rates.{{ measure }}_per_day, 0) as {{ measure }}_per_day,
            case
                when months.observed_days >= 1
                    then coalesce(open_month_actuals.{{ measure }}_first_day, 0)
                        - coalesce(run_rates.{{ measure }}_per_day, 0)
                else 0
            end as {{ measure }}_monthly_charges_booked,
            coalesce(last_complete_month_actuals.{{ measure }}_monthly_charges, 0) as {{ measure }}_monthly_charges
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from grains
    cross join months
    left join open_month_actuals
        on grains.grain_key = open_month_actuals.grain_key
    left join run_rates
        on grains.grain_key = run_rates.grain_key
    left join last_complete_month_actuals
        on grains.grain_key = last_complete_month_actuals.grain_key
),

projected as (
    select
        grain_key,
        currency,
        service_code,
        instance_family,
        pricing_model,
        {%- for measure in measures %}
            {{ measure }}_to_date
            + {{ measure }}_per_day * (open_month_days - observed_days)
            + case
                when abs({{ measure }}_monthly_charges_booked) < abs({{ measure }}_monthly_charges)
                    then {{ measure }}_monthly_charges - {{ measure }}_monthly_charges_booked
                else 0
            end as projected_{{ measure }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from components
)

select
    'month_end_projection' as forecast_source,
    as_of.generated_at,
    as_of.open_month as forecast_month,
    projected.grain_key,
    projected.currency,
    projected.service_code,
    projected.instance_family,
    projected.pricing_model,
    projected.projected_public_on_demand_cost as public_on_demand_cost,
    case
        when projected.projected_public_on_demand_cost <> 0
            then 1 - projected.projected_amortized_cost / projected.projected_public_on_demand_cost
    end as expected_discount_rate,
    projected.projected_amortized_cost as net_cost
from projected
cross join as_of
where as_of.cost_data_through is not null
