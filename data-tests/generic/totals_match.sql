{#- Money is never lost: the model's sums equal another relation's sums, group by group, within a tolerance.
    Sums are taken in decimal(38, 10) (CUR values carry at most 10 decimals), so the comparison does not depend on
    the order in which millions of doubles are added (a double sum of a 10M-line month drifts by ~1e-6).
    group_by / measures are SQL expressions on the model; compare_group_by / compare_measures are the matching
    expressions on compare_to (default: the same text). Failing rows show the group and both sums. -#}
{% test totals_match(
    model,
    compare_to,
    group_by,
    measures,
    compare_group_by=none,
    compare_measures=none,
    model_filter='1 = 1',
    compare_filter='1 = 1',
    tolerance=none
) %}
{{ config(tags=['money']) }}
{%- set compare_group_by = compare_group_by if compare_group_by is not none else group_by -%}
{%- set compare_measures = compare_measures if compare_measures is not none else measures -%}
{%- set tolerance = tolerance if tolerance is not none else var('conservation_tolerance') -%}

with

model_totals as (
    select
        {%- for expression in group_by %}
        {{ expression }} as group_{{ loop.index }},
        {%- endfor %}
        {%- for expression in measures %}
        coalesce(sum(cast({{ expression }} as decimal(38, 10))), 0) as model_total_{{ loop.index }},
        0 as compare_total_{{ loop.index }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
    where {{ model_filter }}
    group by {% for expression in group_by %}{{ loop.index }}{{ ", " if not loop.last }}{% endfor %}
),

compare_totals as (
    select
        {%- for expression in compare_group_by %}
        {{ expression }} as group_{{ loop.index }},
        {%- endfor %}
        {%- for expression in compare_measures %}
        0 as model_total_{{ loop.index }},
        coalesce(sum(cast({{ expression }} as decimal(38, 10))), 0) as compare_total_{{ loop.index }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ compare_to }}
    where {{ compare_filter }}
    group by {% for expression in compare_group_by %}{{ loop.index }}{{ ", " if not loop.last }}{% endfor %}
),

both_sides as (
    select * from model_totals
    union all
    select * from compare_totals
),

compared as (
    select
        {%- for expression in group_by %}
        group_{{ loop.index }},
        {%- endfor %}
        {%- for expression in measures %}
        sum(model_total_{{ loop.index }}) as model_total_{{ loop.index }},
        sum(compare_total_{{ loop.index }}) as compare_total_{{ loop.index }}{{ "," if not loop.last }}
        {%- endfor %}
    from both_sides
    group by {% for expression in group_by %}group_{{ loop.index }}{{ ", " if not loop.last }}{% endfor %}
)

select * from compared
where
    {%- for expression in measures %}
    abs(model_total_{{ loop.index }} - compare_total_{{ loop.index }}) > {{ tolerance }}
    {%- if not loop.last %} or{% endif %}
    {%- endfor %}
{% endtest %}
