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

{#- dbt-spark's own seed loader pastes bound values into the SQL unescaped (a quote in a description breaks
    the statement) and sends empty cells as the text 'None'; this one writes each value as a literal. -#}
{% macro cloudcost_spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        '{{ value }}'
    {%- elif value is string -%}
        '{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- else -%}
        '{{ value.isoformat() }}'
    {%- endif -%}
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- do cloudcost_spark_seed_types(model) -%}
    {%- set column_types = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for column in agate_table.column_names -%}
        {%- do types.append(column_types.get(column, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {%- for row in chunk %}
            ({% for value in row %}cast({{ cloudcost_spark_literal(value) }} as {{ types[loop.index0] }})
                {%- if not loop.last %}, {% endif %}{% endfor %}){% if not loop.last %},{% endif %}
            {%- endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{%- endmacro %}

{#- Register the loader's raw Parquet folders (cloudcost/loader/spark_target.py) in the Spark catalog and make
    Spark see the files of the last load. `tables` maps a raw table name to its folder. Run by the CLI before
    every dbt command on Spark (`dbt run-operation cloudcost_register_raw --args ...` by hand). -#}
{% macro cloudcost_register_raw(tables) -%}
    {%- do run_query('create database if not exists ' ~ var('raw_schema')) -%}
    {%- for name, folder in tables.items() -%}
        {%- set relation = var('raw_schema') ~ '.' ~ name -%}
        {%- do run_query(
            'create table if not exists ' ~ relation ~ " using parquet options (recursiveFileLookup 'true') "
            ~ "location '" ~ folder | replace("'", "\\'") ~ "'"
        ) -%}
        {%- do run_query('refresh table ' ~ relation) -%}
    {%- endfor -%}
{%- endmacro %}

{#- Drop tables from the catalog (the forecast snapshots and the raw CUR tables before a replay from empty,
    cloudcost/forecasts/history.py). A raw table's files are the loader's and stay; a snapshot's go with it. -#}
{% macro cloudcost_drop_tables(relations) -%}
    {%- for relation in relations -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- endfor -%}
{%- endmacro %}

{#- ---- The project's engine-specific expressions, Spark spelling (the others are in their own files). ---- -#}
{% macro spark__json_get_text(json_text_expr, key_expr) -%}
    nullif(get_json_object({{ json_text_expr }}, concat('$.', {{ key_expr }})), '')
{%- endmacro %}

{% macro spark__json_get_number(json_text_expr, key_expr) -%}
    try_cast(get_json_object({{ json_text_expr }}, concat('$.', {{ key_expr }})) as double)
{%- endmacro %}

{% macro spark__regexp_capture(expr, pattern) -%}
    nullif(regexp_extract({{ expr }}, '{{ pattern | replace("\\", "\\\\") }}', 1), '')
{%- endmacro %}

{% macro spark__regexp_matches(expr, pattern) -%}
    ({{ expr }} rlike '{{ pattern | replace("\\", "\\\\") }}')
{%- endmacro %}

{% macro spark__raise_in_sql(message_expr) -%}
    cast(raise_error({{ message_expr }}) as string)
{%- endmacro %}

{% macro spark__median_of(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}

{% macro spark__epoch_seconds(timestamp_expr) -%}
    cast(unix_micros(cast({{ timestamp_expr }} as timestamp)) / 1000000.0 as double)
{%- endmacro %}

{% macro spark__number_series(upper_bound) -%}
    select cast(numbers.id as int) as number_in_series
    from range({{ upper_bound }}) as numbers
{%- endmacro %}

{% macro spark__number_to_text(number_expr, decimals) -%}
    format_string('%.{{ decimals }}f', cast({{ number_expr }} as double))
{%- endmacro %}

{% macro spark__finance_column_type(data_type) -%}
    {{ 'string' if data_type == 'varchar' else data_type }}
{%- endmacro %}

{% macro spark__period_label(date_expr) -%}
    date_format({{ date_expr }}, 'yyyy-MM')
{%- endmacro %}

{% macro spark__add_days(date_expr, days_expr) -%}
    date_add(cast({{ date_expr }} as date), cast({{ days_expr }} as int))
{%- endmacro %}

{% macro spark__days_between(start_date, end_date) -%}
    datediff(cast({{ end_date }} as date), cast({{ start_date }} as date))
{%- endmacro %}

{% macro spark__month_end(date_expr) -%}
    last_day(cast({{ date_expr }} as date))
{%- endmacro %}

{% macro spark__percentile_of(expr, fraction) -%}
    percentile({{ expr }}, {{ fraction }})
{%- endmacro %}

{#- ---- Spark spelling of the portable type names the models write in casts. dbt-spark hands every model, test
    and unit test to Spark through the macros below; Spark has no `double precision`, `text` or unsized
    `varchar`. The models keep one spelling for all engines. ---- -#}
{% macro cloudcost_spark_sql(sql) -%}
    {%- set spelled = sql
        | replace(' double precision', ' double')
        | replace(' as text)', ' as string)')
        | replace(' as varchar)', ' as string)')
        | replace(' as numeric)', ' as decimal(38, 10))') -%}
    {{- return(spelled) -}}
{%- endmacro %}

{% macro spark__create_table_as(temporary, relation, compiled_code, language='sql') -%}
    {{ return(dbt.spark__create_table_as(temporary, relation, cloudcost_spark_sql(compiled_code), language)) }}
{%- endmacro %}

{% macro spark__create_view_as(relation, sql) -%}
    {{ return(dbt.spark__create_view_as(relation, cloudcost_spark_sql(sql))) }}
{%- endmacro %}

{% macro spark__create_temporary_view(relation, compiled_code) -%}
    {{ return(dbt.spark__create_temporary_view(relation, cloudcost_spark_sql(compiled_code))) }}
{%- endmacro %}

{% macro spark__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
    {{ return(dbt.default__get_test_sql(cloudcost_spark_sql(main_sql), fail_calc, warn_if, error_if, limit)) }}
{%- endmacro %}

{% macro spark__get_unit_test_sql(main_sql, expected_fixture_sql, expected_column_names) -%}
    {{ return(dbt.default__get_unit_test_sql(
        cloudcost_spark_sql(main_sql), cloudcost_spark_sql(expected_fixture_sql), expected_column_names
    )) }}
{%- endmacro %}

{% macro spark__get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
    {{ return(dbt.default__get_empty_subquery_sql(cloudcost_spark_sql(select_sql), select_sql_header)) }}
{%- endmacro %}

{#- ---- Incremental models: `delete+insert` by billing period becomes Spark's dynamic partition overwrite. A
    model with incremental_strategy 'delete+insert' and unique_key K (and no partition_by) is partitioned by K,
    and each build overwrites exactly the partitions its new rows fall in — the same months the other engines
    delete and insert. Works on plain Parquet (and Delta). ---- -#}
{% macro spark__partition_cols(label, required=false) -%}
    {%- set columns = config.get('partition_by', validator=validation.any[list, basestring]) -%}
    {%- if columns is none and config.get('incremental_strategy') == 'delete+insert' -%}
        {%- set columns = config.get('unique_key') -%}
    {%- endif -%}
    {%- if columns is not none -%}
        {%- set columns = [columns] if columns is string else columns -%}
        {{ label }} ({{ columns | join(', ') }})
    {%- endif -%}
{%- endmacro %}

{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) -%}
    {%- set strategy = 'insert_overwrite' if raw_strategy == 'delete+insert' else raw_strategy -%}
    {{ return(dbt.dbt_spark_validate_get_incremental_strategy(strategy, file_format)) }}
{%- endmacro %}

{#- dbt-spark's listagg ignores the order: collect (sort keys..., value) structs, sort them, keep the values.
    A `desc` key is negated (the project orders descending by numbers only). -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set keys = [] -%}
    {%- if order_by_clause -%}
        {%- set listed = (order_by_clause | trim)[9:] if (order_by_clause | trim | lower).startswith('order by ') else order_by_clause -%}
        {%- for part in listed.split(',') -%}
            {%- set words = part | trim -%}
            {%- if (words | lower).endswith(' desc') -%}
                {%- do keys.append('-(' ~ words[:-5] ~ ')') -%}
            {%- else -%}
                {%- do keys.append(words | replace(' asc', '')) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set fields = [] -%}
    {%- for key in keys -%}
        {%- do fields.append("'k" ~ loop.index ~ "', " ~ key) -%}
    {%- endfor -%}
    {%- do fields.append("'v', " ~ measure) -%}
    {%- set sorted = 'array_sort(collect_list(named_struct(' ~ fields | join(', ') ~ ')))' -%}
    {%- if limit_num -%}
        {%- set sorted = 'slice(' ~ sorted ~ ', 1, ' ~ limit_num ~ ')' -%}
    {%- endif -%}
    array_join(transform({{ sorted }}, x -> x.v), {{ delimiter_text }})
{%- endmacro %}

{#- Contract constraints (not_null, primary key) are written to the table only where the format keeps them
    (Delta); plain Parquet tables cannot, and the models' not_null and grain tests check the same rules. -#}
{% macro spark__persist_constraints(relation, model) -%}
    {%- if config.get('file_format') in ['delta'] -%}
        {{ return(dbt.spark__persist_constraints(relation, model)) }}
    {%- endif -%}
{%- endmacro %}

{#- The materialization of a public mart that is a view over line-grain models (fct_cost_layers v1): a view where
    its readers query the warehouse (DuckDB, Postgres); a table on Spark, whose readers (the dashboard's
    publication, `cloudcost export`) read the marts' Parquet files without a Spark session, and a view has none. -#}
{% macro mart_view_materialization() -%}
    {{ return(adapter.dispatch('mart_view_materialization', 'cloudcost')()) }}
{%- endmacro %}

{% macro default__mart_view_materialization() -%}
    {{ return('view') }}
{%- endmacro %}

{% macro spark__mart_view_materialization() -%}
    {{ return('table') }}
{%- endmacro %}
