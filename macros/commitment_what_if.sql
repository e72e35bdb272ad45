{#- The parts the two purchase what-ifs share (int_commitment_ri_what_if, int_commitment_sp_what_if): both try
    the profile's percentiles 0, 5, …, 100 % and the recommender's percentile (var `commitment_percentile`) as
    candidates, collapse candidates that buy the same amount, and price them at the configured offering. -#}

{#- The percentile levels tried: 0..20, i.e. 0, 5, …, 100 %. -#}
{% macro what_if_levels() -%}
    {{ return(range(0, 21) | list) }}
{%- endmacro %}

{#- Rates of the configured offering of one commitment type ('reserved_instance' or 'savings_plan'): a where
    condition on int_commitment_rates or the commitment_rate_fallbacks seed. -#}
{% macro what_if_offering(commitment_type) -%}
    {%- set prefix = 'commitment_ri_' if commitment_type == 'reserved_instance' else 'commitment_sp_' -%}
    {%- set offering = 'offering_class' if commitment_type == 'reserved_instance' else 'offering_type' -%}
    commitment_type = '{{ commitment_type }}'
    and offering = '{{ var(prefix ~ offering) }}'
    and term_years = {{ var(prefix ~ 'term_years') | int }}
    and payment_option = '{{ var(prefix ~ "payment_option") }}'
{%- endmacro %}

{#- Columns level_<n>_<suffix> (n in what_if_levels()) and recommended_level_<suffix>: the percentiles of
    `measure` in a grouped query. -#}
{% macro what_if_percentiles(measure, suffix) -%}
    {%- for level in what_if_levels() %}
        percentile_disc({{ '%.2f' | format(level * 0.05) }}) within group (order by {{ measure }})
            as level_{{ level }}_{{ suffix }},
    {%- endfor %}
        {{ what_if_recommended_level(measure) }} as recommended_level_{{ suffix }}
{%- endmacro %}

{#- The recommender's percentile (var `commitment_percentile`) of `measure` in a grouped query. -#}
{% macro what_if_recommended_level(measure) -%}
    percentile_disc({{ var('commitment_percentile') | float }}) within group (order by {{ measure }})
{%- endmacro %}

{#- The candidate levels as rows (candidate_level 0, 5, …, 100 with labels p000…p100, and -1 'recommended'). -#}
{% macro what_if_level_rows() -%}
    {%- for level in what_if_levels() %}
        select
            {{ level * 5 }} as candidate_level,
            'p{{ "%03d" | format(level * 5) }}' as candidate_label
        union all
    {%- endfor %}
    select
        -1 as candidate_level,
        'recommended' as candidate_label
{%- endmacro %}

{#- The percentile column of `relation` (built by what_if_percentiles) that a candidate level picks. -#}
{% macro what_if_level_value(level_expr, relation, suffix) -%}
    case {{ level_expr }}
        {%- for level in what_if_levels() %}
            when {{ level * 5 }} then {{ relation }}.level_{{ level }}_{{ suffix }}
        {%- endfor %}
        else {{ relation }}.recommended_level_{{ suffix }}
    end
{%- endmacro %}

{#- Aggregates over the candidates that buy the same amount: the lowest level, whether the recommender's
    percentile is among them, and the lowest label (NULL when only the recommender's level buys it). -#}
{% macro what_if_candidate_flags() -%}
    min(candidate_level) as candidate_level,
        max(case when candidate_level = -1 then 1 else 0 end) = 1 as is_recommended,
        min(case when candidate_level >= 0 then candidate_label end) as candidate_label
{%- endmacro %}

{#- Reserved-instance purchases: a level of xlarge-normalized units per hour rounded down to whole instances of
    the group's purchase unit (0 when the group has none), as instances and as units. -#}
{% macro ri_purchase_instances(level_units, purchase_unit) -%}
    coalesce(floor({{ level_units }} / nullif({{ purchase_unit }}, 0) + 0.000001), 0)
{%- endmacro %}

{% macro ri_purchase_units(level_units, purchase_unit) -%}
    coalesce(floor({{ level_units }} / nullif({{ purchase_unit }}, 0) + 0.000001) * {{ purchase_unit }}, 0)
{%- endmacro %}

{#- The public on-demand rate per unit of a group's hourly profile (aggregate over its hours). -#}
{% macro ri_profile_rate_per_unit() -%}
    sum(on_demand_list_cost + expiring_ri_list_cost) / nullif(sum(profile_units), 0)
{%- endmacro %}
