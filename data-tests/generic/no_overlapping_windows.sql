{#- Effective-dated rows of the same partition never overlap (valid_from inclusive, valid_to exclusive,
    empty valid_to = open), and no row ends before it starts. Failing rows show both rows. -#}
{% test no_overlapping_windows(model, partition_by, valid_from='valid_from', valid_to='valid_to') %}

with

numbered as (
    select
        {%- for column in partition_by %}
        {{ column }},
        {%- endfor %}
        {{ valid_from }} as window_start,
        {{ valid_to }} as window_end,
        row_number() over (order by {{ valid_from }}, {{ partition_by | join(', ') }}) as row_number_in_seed
    from {{ model }}
),

inverted as (
    select
        {%- for column in partition_by %}
        numbered.{{ column }},
        {%- endfor %}
        numbered.window_start,
        numbered.window_end,
        numbered.row_number_in_seed as other_row_number,
        'ends before it starts' as problem
    from numbered
    where numbered.window_end is not null and numbered.window_end <= numbered.window_start
),

overlapping as (
    select
        {%- for column in partition_by %}
        first_row.{{ column }},
        {%- endfor %}
        first_row.window_start,
        first_row.window_end,
        second_row.row_number_in_seed as other_row_number,
        'overlaps another row' as problem
    from numbered as first_row
    inner join numbered as second_row
        on
            first_row.row_number_in_seed < second_row.row_number_in_seed
            {%- for column in partition_by %}
            and first_row.{{ column }} = second_row.{{ column }}
            {%- endfor %}
            and (second_row.window_end is null or first_row.window_start < second_row.window_end)
            and (first_row.window_end is null or second_row.window_start < first_row.window_end)
)

select * from inverted
union all
select * from overlapping

{% endtest %}
