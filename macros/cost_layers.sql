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
