{#- Folder schemas are used as they are (staging, intermediate, marts, seeds, snapshots),
    not prefixed with the target schema, so users' SQL names the same relations on every engine.
    `cloudcost build` on Postgres sets CLOUDCOST_BUILD_SCHEMA_SUFFIX (`__build`): the marts are then built into
    the private schema marts__build and published as marts only when the build's money checks pass
    (cloudcost/pg_publish.py). A plain `dbt build` writes marts directly, as before. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set schema_name = target.schema if custom_schema_name is none else custom_schema_name | trim -%}
    {%- if schema_name == 'marts' -%}
        {{ schema_name ~ env_var('CLOUDCOST_BUILD_SCHEMA_SUFFIX', '') }}
    {%- else -%}
        {{ schema_name }}
    {%- endif -%}
{%- endmacro %}
