{#- A stable text key (md5) from a list of SQL expressions; NULL parts become '' and parts are separated
    by '|', so ('a', 'b|c') and ('a|b', 'c') differ only when a value itself contains '|'. Keep doubles out:
    engines print them differently. -#}
{% macro row_key(expressions) -%}
    md5(
        {%- for expression in expressions %}
        coalesce(cast({{ expression }} as {{ dbt.type_string() }}), '')
        {%- if not loop.last %} || '|' ||{% endif %}
        {%- endfor %}
    )
{%- endmacro %}
