{#- Snapshots on Spark with plain Parquet tables (dbt-spark's own snapshot needs Delta, Iceberg or Hudi).
    The project's snapshots are small (one row per forecast key and vintage), so each run computes the whole new
    snapshot table beside the old one and then replaces the old table's contents with it in one statement. Same
    columns and semantics as dbt's `timestamp` strategy with `hard_deletes: invalidate`:
    - a key first seen, or seen with a newer updated_at than its current row, gets a new current row
      (dbt_valid_from = updated_at, dbt_valid_to = null);
    - the current row it replaces ends at the new row's updated_at;
    - a current row whose key the source no longer has ends at the run's time;
    - dbt_scd_id = md5(key|updated_at), dbt_updated_at = updated_at.
    With `spark_table_format: delta` dbt-spark's own snapshot materialization runs instead. -#}
{% materialization snapshot, adapter='spark' %}
    {%- if config.get('file_format') in ['delta', 'iceberg', 'hudi'] -%}
        {{ return(dbt_spark.materialization_snapshot_spark()) }}
    {%- endif -%}
    {%- set unique_key = config.get('unique_key') -%}
    {%- set updated_at = config.get('updated_at') -%}
    {%- if config.get('strategy') != 'timestamp' or unique_key is not string -%}
        {{ exceptions.raise_compiler_error('Spark Parquet snapshots support the timestamp strategy with one unique_key column') }}
    {%- endif -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) -%}
    {%- set staged = make_temp_relation(target_relation, '__next').incorporate(type='table') -%}
    {{ run_hooks(pre_hooks) }}
    {%- do adapter.drop_relation(staged) -%}
    {%- set source_sql = cloudcost_spark_sql(model['compiled_code']) -%}
    {%- set now = 'current_timestamp()' -%}
    {%- set scd_id -%}
        md5(concat(coalesce(cast({{ unique_key }} as string), ''), '|', coalesce(cast({{ updated_at }} as string), '')))
    {%- endset -%}
    {%- if existing is none -%}
        {%- set next_sql -%}
            select source.*, {{ scd_id }} as dbt_scd_id, {{ updated_at }} as dbt_updated_at,
                {{ updated_at }} as dbt_valid_from, cast(null as timestamp) as dbt_valid_to
            from ({{ source_sql }}) as source
        {%- endset -%}
        {%- call statement('main') -%}
            {{ create_table_as(false, target_relation, next_sql) }}
        {%- endcall -%}
    {%- else -%}
        {%- set columns = adapter.get_columns_in_relation(existing) | map(attribute='name') | list -%}
        {%- set source_columns = columns | reject('in', ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to']) | list -%}
        {%- set next_sql -%}
            with source as (
                select {{ source_columns | join(', ') }} from ({{ source_sql }}) as source_query
            ),
            current_rows as (
                select * from {{ existing }} where dbt_valid_to is null
            ),
            changed as (
                select source.*
                from source
                left join current_rows on current_rows.{{ unique_key }} = source.{{ unique_key }}
                where current_rows.{{ unique_key }} is null or source.{{ updated_at }} > current_rows.dbt_valid_from
            ),
            kept as (
                select {% for column in columns %}
                    {%- if column == 'dbt_valid_to' -%}
                    case
                        when snapshot.dbt_valid_to is not null then snapshot.dbt_valid_to
                        when changed.{{ unique_key }} is not null then changed.{{ updated_at }}
                        when still_there.{{ unique_key }} is null then {{ now }}
                    end as dbt_valid_to
                    {%- else -%}
                    snapshot.{{ column }}
                    {%- endif -%}{%- if not loop.last %}, {% endif -%}
                {%- endfor %}
                from {{ existing }} as snapshot
                left join changed
                    on snapshot.dbt_valid_to is null and changed.{{ unique_key }} = snapshot.{{ unique_key }}
                left join (select distinct {{ unique_key }} from source) as still_there
                    on snapshot.dbt_valid_to is null and still_there.{{ unique_key }} = snapshot.{{ unique_key }}
            ),
            added as (
                select {{ source_columns | join(', ') }}, {{ scd_id }} as dbt_scd_id,
                    {{ updated_at }} as dbt_updated_at, {{ updated_at }} as dbt_valid_from,
                    cast(null as timestamp) as dbt_valid_to
                from changed
            )
            select {{ columns | join(', ') }} from kept
            union all
            select {{ columns | join(', ') }} from added
        {%- endset -%}
        {%- call statement('stage') -%}
            {{ create_table_as(false, staged, next_sql) }}
        {%- endcall -%}
        {%- call statement('main') -%}
            insert overwrite table {{ target_relation }} select {{ columns | join(', ') }} from {{ staged }}
        {%- endcall -%}
        {%- do adapter.drop_relation(staged) -%}
    {%- endif -%}
    {{ run_hooks(post_hooks) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
