{{ config(materialized='view') }}

{#- The mapping scenarios and the date each evaluates the effective-dated rules at (one row each):
    effective    = the rules valid in each key's own billing period (what the marts show; as_of_date is NULL
                   here and means "the key's billing period");
    latest       = today's rules applied to every month;
    compare_from / compare_to = the rules valid on the dates in vars mapping_change_from_date /
                   mapping_change_to_date, when set (for the mapping-change report; see date_var).
    No parent: the teams and host types models cross it with the allocation keys. -#}

{%- set scenario_vars = [
    ('compare_from', 'mapping_change_from_date'),
    ('compare_to', 'mapping_change_to_date'),
] %}

select
    'effective' as mapping_scenario,
    cast(null as date) as as_of_date
union all
select
    'latest' as mapping_scenario,
    cast({{ dbt.current_timestamp() }} as date) as as_of_date
{%- for scenario, var_name in scenario_vars %}
    {%- set value = date_var(var_name) %}
    {%- if value %}
union all
select
    '{{ scenario }}' as mapping_scenario,
    cast('{{ value }}' as date) as as_of_date
    {%- endif %}
{%- endfor %}
