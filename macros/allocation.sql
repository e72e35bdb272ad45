{#- The attributes that decide a line's team, host type and functional group (DESIGN: dimensions).
    Lines with the same attributes share one allocation key, so the mapping is computed once per key in a
    small table and joined to the line facts; a mapping change then reaches every month on the next build
    without rebuilding the line facts. -#}
{% macro allocation_attributes() -%}
    {{ return([
        'billing_period',
        'payer_account_id',
        'account_id',
        'service_code',
        'usage_type',
        'usage_instance_family',
        'resource_tags',
        'cost_category',
    ]) }}
{%- endmacro %}

{#- Instance family of instance usage lines (NULL for every other line): the host type of last resort
    before the service. -#}
{% macro usage_instance_family(line_item_type, instance_family) -%}
    case
        when {{ line_item_type }} in ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
            then {{ instance_family }}
    end
{%- endmacro %}

{% macro allocation_key(relation_alias) -%}
    {%- set qualified = [] -%}
    {%- for attribute in allocation_attributes() -%}
        {%- do qualified.append(relation_alias ~ '.' ~ attribute) -%}
    {%- endfor -%}
    {{ row_key(qualified) }}
{%- endmacro %}

{#- The value a mapping rule looks at: a resource tag or an AWS Cost Category, by name. -#}
{% macro rule_input_value(keys_alias, rules_alias) -%}
    case {{ rules_alias }}.input_kind
        when 'tag' then {{ json_get_text(keys_alias ~ '.resource_tags', rules_alias ~ '.input_key') }}
        when 'cost_category' then {{ json_get_text(keys_alias ~ '.cost_category', rules_alias ~ '.input_key') }}
    end
{%- endmacro %}

{#- Is a rule row valid for a date (valid_from inclusive, valid_to exclusive, empty valid_to = open)? -#}
{% macro rule_is_valid(rule_alias, as_of_date) -%}
    ({{ rule_alias }}.valid_from <= {{ as_of_date }}
        and ({{ rule_alias }}.valid_to is null or {{ as_of_date }} < {{ rule_alias }}.valid_to))
{%- endmacro %}

{#- Does the validity window of one rule row contain the whole window of another? -#}
{% macro window_covers(outer_alias, inner_alias) -%}
    ({{ outer_alias }}.valid_from <= {{ inner_alias }}.valid_from
        and (
            {{ outer_alias }}.valid_to is null
            or ({{ inner_alias }}.valid_to is not null and {{ inner_alias }}.valid_to <= {{ outer_alias }}.valid_to)
        ))
{%- endmacro %}

{#- Each allocation key once per mapping scenario (int_allocation_scenarios), with the date its effective-dated
    rules are taken at: the scenario's date, else (the 'effective' scenario) the key's own billing period. -#}
{% macro allocation_as_of(keys, scenarios) -%}
    select
        {{ keys }}.allocation_key,
        {{ keys }}.billing_period,
        {{ scenarios }}.mapping_scenario,
        coalesce({{ scenarios }}.as_of_date, {{ keys }}.billing_period) as as_of_date
    from {{ keys }}
    cross join {{ scenarios }}
{%- endmacro %}
