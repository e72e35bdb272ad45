{{ config(materialized='view') }}

{#- The dates the mapping is evaluated at, per allocation key ("scenarios"):
    effective    = the rules valid in the key's own billing period (what the marts show);
    latest       = today's rules applied to every month;
    compare_from / compare_to = the rules valid on the dates in vars mapping_change_from_date /
                   mapping_change_to_date, when set (for the mapping-change report). -#}

{%- set scenario_dates = {} -%}
{%- set scenario_vars = [
    ('compare_from', 'mapping_change_from_date'),
    ('compare_to', 'mapping_change_to_date'),
] -%}
{%- for scenario, var_name in scenario_vars -%}
    {%- set value = var(var_name) | string | trim -%}
    {%- if value and value != 'None' -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value) -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ var_name ~ " must be a date written YYYY-MM-DD, not '" ~ value ~ "'"
            ) }}
        {%- endif -%}
        {%- do scenario_dates.update({scenario: value}) -%}
    {%- endif -%}
{%- endfor %}

with

allocation_keys as (
    select
        allocation_key,
        billing_period
    from {{ ref('int_allocation_keys') }}
),

scenarios as (
    select
        allocation_key,
        billing_period,
        'effective' as mapping_scenario,
        billing_period as as_of_date
    from allocation_keys
    union all
    select
        allocation_key,
        billing_period,
        'latest' as mapping_scenario,
        cast({{ dbt.current_timestamp() }} as date) as as_of_date
    from allocation_keys
    {%- for scenario, value in scenario_dates.items() %}
    union all
    select
        allocation_key,
        billing_period,
        '{{ scenario }}' as mapping_scenario,
        cast('{{ value }}' as date) as as_of_date
    from allocation_keys
    {%- endfor %}
)

select * from scenarios
