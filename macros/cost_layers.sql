{#- The cost layers, in report order (DESIGN: the layer table). Keep equal to seeds/cost_layers.csv;
    a test checks that they agree. -#}
{% macro cost_layer_names() -%}
    {{ return([
        'on_demand',
        'negotiated_rate',
        'spot_discount',
        'ri_discount',
        'ri_unused',
        'sp_discount',
        'sp_unused',
        'edp_discount',
        'private_rate_discount',
        'other_discount',
        'credit',
        'refund',
        'tax',
        'fee',
    ]) }}
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
        - {{ relation_alias }}.mapped_net_edp_discount
        - {{ relation_alias }}.mapped_net_private_rate_discount
        - {{ relation_alias }}.mapped_net_other_discount)
    {%- else -%}
        0
    {%- endif -%}
{%- endmacro %}
