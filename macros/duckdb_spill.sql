{#- DuckDB's spill folder for the build (CLOUDCOST_DUCKDB_TEMP_DIRECTORY, as cloudcost.resources sets it for the
    loader), set once per dbt invocation by the on-run-start hook. Not a `settings:` entry of the profile:
    dbt-duckdb SETs those again on every node's cursor, and DuckDB refuses to move its spill folder once a query
    has spilled there, so every node after the first spill failed. Not a `config_options:` entry either: a
    database opened with options cannot be opened again in the same process without them (cloudcost reads the
    warehouse after an in-process dbt build). Other engines: nothing to set. -#}
{% macro set_spill_directory() -%}
    {{ return(adapter.dispatch('set_spill_directory', 'cloudcost')()) }}
{%- endmacro %}

{% macro default__set_spill_directory() -%}
    select 1 as spill_directory_unchanged
{%- endmacro %}

{% macro duckdb__set_spill_directory() -%}
    {%- set wanted = env_var('CLOUDCOST_DUCKDB_TEMP_DIRECTORY', 'warehouse/cloudcost.duckdb.tmp') -%}
    {%- set current = none -%}
    {%- if execute -%}
        {%- set current = run_query("select current_setting('temp_directory')").columns[0].values()[0] -%}
    {%- endif -%}
    {%- if current == wanted -%}
        select 1 as spill_directory_unchanged
    {%- else -%}
        set temp_directory = '{{ wanted | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}
