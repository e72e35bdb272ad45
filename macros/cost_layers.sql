{#- The cost layers are data (DESIGN: the layer table): seeds/cost_layers.csv lists them and
    seeds/cost_layer_rules.csv says which lines feed them; cost_layer_names(), discount_layer_names() and
    cost_layer_rules() are generated from them into macros/cost_layer_reference.sql. The macros below write
    int_cost_lines' layer SQL from the rules. -#}

{#- The SQL of the amount a rule names (seeds/cost_layer_rules.csv, column amount), on relation alias r. -#}
{% macro cost_rule_amount(name, r) -%}
    {%- set amounts = {
        'unblended_cost': r ~ '.unblended_cost',
        'list_cost': r ~ '.list_cost',
        'unblended_minus_list': r ~ '.unblended_cost - ' ~ r ~ '.list_cost',
        'reservation_effective_minus_list': 'coalesce(' ~ r ~ '.reservation_effective_cost, 0) - ' ~ r ~ '.list_cost',
        'savings_plan_effective_minus_list':
            'coalesce(' ~ r ~ '.savings_plan_effective_cost, 0) - ' ~ r ~ '.list_cost',
        'reservation_unused_fees': 'coalesce(' ~ r ~ '.reservation_unused_amortized_upfront_fee, 0) + coalesce('
            ~ r ~ '.reservation_unused_recurring_fee, 0)',
        'savings_plan_unused_commitment': 'coalesce(' ~ r ~ '.savings_plan_total_commitment_to_date, 0) - coalesce('
            ~ r ~ '.savings_plan_used_commitment, 0)',
        'net_unblended_discount':
            'coalesce(' ~ r ~ '.net_unblended_cost, ' ~ r ~ '.unblended_cost) - ' ~ r ~ '.unblended_cost',
        'reservation_net_discount': 'coalesce(' ~ r ~ '.reservation_net_effective_cost, ' ~ r
            ~ '.reservation_effective_cost, 0) - coalesce(' ~ r ~ '.reservation_effective_cost, 0)',
        'savings_plan_net_discount': 'coalesce(' ~ r ~ '.savings_plan_net_effective_cost, ' ~ r
            ~ '.savings_plan_effective_cost, 0) - coalesce(' ~ r ~ '.savings_plan_effective_cost, 0)',
        'reservation_unused_net_discount': 'coalesce(' ~ r ~ '.reservation_net_unused_amortized_upfront_fee, ' ~ r
            ~ '.reservation_unused_amortized_upfront_fee, 0) + coalesce(' ~ r ~ '.reservation_net_unused_recurring_fee, '
            ~ r ~ '.reservation_unused_recurring_fee, 0) - coalesce(' ~ r ~ '.reservation_unused_amortized_upfront_fee, 0)'
            ~ ' - coalesce(' ~ r ~ '.reservation_unused_recurring_fee, 0)',
        'reservation_amortized_upfront': '-(case when ' ~ r ~ ".discount_mode = 'net' then coalesce(" ~ r
            ~ '.reservation_net_amortized_upfront_fee, ' ~ r ~ '.reservation_amortized_upfront_fee, 0) else coalesce('
            ~ r ~ '.reservation_amortized_upfront_fee, 0) end)',
        'savings_plan_amortized_upfront': '-(case when ' ~ r ~ ".discount_mode = 'net' then coalesce(" ~ r
            ~ '.savings_plan_net_amortized_upfront_commitment, ' ~ r
            ~ '.savings_plan_amortized_upfront_commitment, 0) else coalesce(' ~ r
            ~ '.savings_plan_amortized_upfront_commitment, 0) end)',
        'billed_cost': billed_cost(r),
    } -%}
    {%- if name not in amounts -%}
        {{ exceptions.raise_compiler_error("seeds/cost_layer_rules.csv: unknown amount '" ~ name ~ "'") }}
    {%- endif -%}
    {{ amounts[name] }}
{%- endmacro %}

{#- What a line is billed: net unblended cost in net discount mode, else unblended cost. -#}
{% macro billed_cost(r) -%}
    {#- one line: it is inlined in the cases of the upfront rules -#}
    case when {{ r }}.discount_mode = 'net' then coalesce({{ r }}.net_unblended_cost, {{ r }}.unblended_cost) else {{ r }}.unblended_cost end
{%- endmacro %}

{#- The lines a rule matches: its line item types and its condition flags (all but skip_flag). -#}
{% macro cost_rule_matches(rule, r, skip_flag=none) -%}
    {%- set types = rule.line_item_types -%}
    {%- if types | length == 1 -%}
        {{ r }}.line_item_type = '{{ types[0] }}'
    {%- else -%}
        {{ r }}.line_item_type in ('{{ types | join("', '") }}')
    {%- endif -%}
    {%- for flag, value in rule.conditions if flag != skip_flag %} and {{ "" if value else "not " }}{{ r }}.{{ flag }}
    {%- endfor -%}
{%- endmacro %}

{#- The rules of one target, in file order. -#}
{% macro cost_rules_for(target) -%}
    {{ return(cost_layer_rules() | selectattr('target', 'equalto', target) | list) }}
{%- endmacro %}

{#- One target's amount on a line: the amount of the first rule the line matches, else 0. -#}
{% macro cost_rule_case(target, r, first_when=none) -%}
    case
        {%- if first_when %}
        when {{ first_when }} then 0
        {%- endif %}
        {%- for rule in cost_rules_for(target) %}
        when {{ cost_rule_matches(rule, r) }} then {{ cost_rule_amount(rule.amount, r) }}
        {%- endfor %}
        else 0
    end
{%- endmacro %}

{#- Every column the rules give a line (int_cost_lines): the layers (discount layers as gross_<layer>, the
    line-item part), net_discount and its part the discount map names per discount layer (net discount mode),
    list_cost_source (which amount the on_demand layer takes: also named for split-cost children, whose layers
    are 0), the cash bridge's ri_sp_trueup, is_cash_only and ri_sp_upfront_fees. -#}
{% macro cost_rule_columns(r) -%}
    {%- set not_net = r ~ ".discount_mode <> 'net' or " ~ r ~ '.is_split_cost_child' -%}
    {%- set sources = {'list_cost': 'public_on_demand', 'unblended_cost': 'unblended_fallback'} -%}
    case
        {%- for rule in cost_rules_for('on_demand') %}
        when {{ cost_rule_matches(rule, r, 'is_split_cost_child') }} then '{{ sources[rule.amount] }}'
        {%- endfor %}
    end as list_cost_source,
    {%- for layer in cost_layer_names() %}
    {{ cost_rule_case(layer, r) }} as {{ 'gross_' if layer in discount_layer_names() }}{{ layer }},
    {%- endfor %}
    {{ cost_rule_case('net_discount', r, not_net) }} as net_discount,
    {%- for layer in discount_layer_names() %}
    case
        when {{ not_net }} then 0
        else {{ discount_map_amount(r ~ '.discount', layer) }}
    end as mapped_net_{{ layer }},
    {%- endfor %}
    {{ cost_rule_case('trueup', r) }} as ri_sp_trueup,
    {{ billed_cost(r) }} as billed_cost,
    {% for rule in cost_rules_for('upfront') -%}
        ({{ cost_rule_matches(rule, r) }}){{ " or " if not loop.last }}
    {%- endfor %} as is_cash_only,
    {{ cost_rule_case('upfront', r) }} as ri_sp_upfront_fees
{%- endmacro %}

{#- The discount layers of a line (int_cost_lines): each one's line-item part plus, in net discount mode, its
    part of the line's net discount (mapped by the discount map, or the unmapped rest for the default layer). -#}
{% macro discount_layer_columns(r) -%}
    {%- for layer in discount_layer_names() %}
    {{ r }}.gross_{{ layer }} + {{ r }}.mapped_net_{{ layer }} + {{ unmapped_net_discount(r, layer) }}
        as {{ layer }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- How a usage line is priced (DESIGN: normalized units): on_demand | reserved | savings_plan | spot |
    free_tier (usage priced at 0 with an empty pricing term) | none (not usage). -#}
{% macro pricing_model(relation_alias) -%}
    case
        when {{ relation_alias }}.is_split_cost_child then 'none'
        when {{ relation_alias }}.line_item_type = 'Usage' and {{ relation_alias }}.is_spot_usage then 'spot'
        when {{ relation_alias }}.line_item_type = 'Usage' and {{ relation_alias }}.pricing_term = 'OnDemand'
            then 'on_demand'
        when
            {{ relation_alias }}.line_item_type = 'Usage'
            and coalesce({{ relation_alias }}.pricing_term, '') = ''
            and {{ relation_alias }}.unblended_cost = 0
            then 'free_tier'
        when {{ relation_alias }}.line_item_type = 'Usage' then 'on_demand'
        when {{ relation_alias }}.line_item_type = 'DiscountedUsage' then 'reserved'
        when {{ relation_alias }}.line_item_type = 'SavingsPlanCoveredUsage' then 'savings_plan'
        else 'none'
    end
{%- endmacro %}

{#- Net discount mode: the amount the CUR 2.0 discount map gives a discount layer on one line, the sum of the
    map keys that var('discount_map_layers') assigns to that layer (0 when none). -#}
{% macro discount_map_amount(discount_json_expr, layer) -%}
    {%- set keys = [] -%}
    {%- for key, key_layer in var('discount_map_layers').items() if key_layer == layer -%}
        {%- do keys.append(key) -%}
    {%- endfor -%}
    {%- if keys -%}
        ({% for key in keys %}coalesce({{ json_get_number(discount_json_expr, "'" ~ key ~ "'") }}, 0){{ " + " if not loop.last }}{% endfor %})
    {%- else -%}
        0
    {%- endif -%}
{%- endmacro %}

{#- Net discount mode: the part of a line's net-minus-gross discount the discount map does not name goes to
    var('net_discount_default_layer'); for every other layer this is 0. -#}
{% macro unmapped_net_discount(relation_alias, layer) -%}
    {%- if layer == var('net_discount_default_layer') -%}
        ({{ relation_alias }}.net_discount
        {%- for discount_layer in discount_layer_names() %}
        - {{ relation_alias }}.mapped_net_{{ discount_layer }}
        {%- endfor %})
    {%- else -%}
        0
    {%- endif -%}
{%- endmacro %}
