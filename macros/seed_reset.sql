{#- A seed whose CSV gained, lost or renamed a column since the warehouse last loaded it (a reference seed
    after an upgrade, a company file after an edit) is dropped and created again; one with the same columns
    is emptied and refilled, as dbt does by default. Without this, a build on an existing warehouse stops
    at the first seed whose columns changed ("column ... does not exist") until someone runs a full refresh.
    Postgres drops the seed's dependent views with it (cascade); the same build creates them again. -#}
{% macro seed_columns_changed(old_relation, agate_table) -%}
    {%- set loaded = adapter.get_columns_in_relation(old_relation) | map(attribute='name') | map('lower') | list -%}
    {%- set wanted = agate_table.column_names | map('lower') | list -%}
    {{ return(loaded | sort != wanted | sort) }}
{%- endmacro %}

{% macro reset_seed_table(model, full_refresh, old_relation, agate_table) -%}
    {%- if full_refresh or seed_columns_changed(old_relation, agate_table) -%}
        {%- do adapter.drop_relation(old_relation) -%}
        {{ return(create_csv_table(model, agate_table)) }}
    {%- endif -%}
    {{ return(default__reset_csv_table(model, full_refresh, old_relation, agate_table)) }}
{%- endmacro %}

{% macro duckdb__reset_csv_table(model, full_refresh, old_relation, agate_table) -%}
    {{ return(reset_seed_table(model, full_refresh, old_relation, agate_table)) }}
{%- endmacro %}

{% macro postgres__reset_csv_table(model, full_refresh, old_relation, agate_table) -%}
    {{ return(reset_seed_table(model, full_refresh, old_relation, agate_table)) }}
{%- endmacro %}
