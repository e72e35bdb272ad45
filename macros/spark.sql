{#- Spark (dbt-spark) adjustments that are not one expression: seed column types, the period-replacing
    incremental strategy and the snapshot materialization on plain Parquet. Expressions that differ per engine
    are in cross_engine.sql with the others. -#}

{#- The seeds' column_types name Postgres/DuckDB types (text, varchar, double precision); Spark spells them
    string and double. Translated in place before dbt-spark's own seed macros create and fill the table. -#}
{% macro cloudcost_spark_seed_types(model) -%}
    {%- set spark_names = {'text': 'string', 'varchar': 'string', 'double precision': 'double', 'integer': 'int'} -%}
    {%- set column_types = model['config'].get('column_types', {}) -%}
    {%- for column, data_type in column_types.items() -%}
        {%- set spelled = data_type | lower | trim -%}
        {%- if spelled in spark_names -%}
            {%- do column_types.update({column: spark_names[spelled]}) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{% macro spark__create_csv_table(model, agate_table) -%}
    {%- do cloudcost_spark_seed_types(model) -%}
    {{ return(dbt.spark__create_csv_table(model, agate_table)) }}
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- do cloudcost_spark_seed_types(model) -%}
    {{ return(dbt.spark__load_csv_rows(model, agate_table)) }}
{%- endmacro %}
