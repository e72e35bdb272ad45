{#- Folder schemas are used as they are (staging, intermediate, marts, seeds, snapshots),
    not prefixed with the target schema, so users' SQL names the same relations on every engine. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
