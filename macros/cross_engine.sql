{#- Engine differences live here, behind adapter.dispatch (duckdb__ / postgres__ / default__). -#}

{#- The text value stored under one key of a JSON object held as text; NULL when absent or empty.
    key_expr is a SQL expression (a quoted literal or a column). -#}
{% macro json_get_text(json_text_expr, key_expr) -%}
    {{ return(adapter.dispatch('json_get_text', 'cloudcost')(json_text_expr, key_expr)) }}
{%- endmacro %}

{% macro default__json_get_text(json_text_expr, key_expr) -%}
    nullif(json_extract_string({{ json_text_expr }}, {{ key_expr }}), '')
{%- endmacro %}

{% macro duckdb__json_get_text(json_text_expr, key_expr) -%}
    nullif(json_extract_string({{ json_text_expr }}, {{ key_expr }}), '')
{%- endmacro %}

{% macro postgres__json_get_text(json_text_expr, key_expr) -%}
    nullif((cast({{ json_text_expr }} as jsonb) ->> {{ key_expr }}), '')
{%- endmacro %}

{#- The numeric value stored under one key of a JSON object held as text (NULL when absent). -#}
{% macro json_get_number(json_text_expr, key_expr) -%}
    {{ return(adapter.dispatch('json_get_number', 'cloudcost')(json_text_expr, key_expr)) }}
{%- endmacro %}

{% macro default__json_get_number(json_text_expr, key_expr) -%}
    try_cast(json_extract_string({{ json_text_expr }}, {{ key_expr }}) as double)
{%- endmacro %}

{% macro postgres__json_get_number(json_text_expr, key_expr) -%}
    (case
        when jsonb_typeof(cast({{ json_text_expr }} as jsonb) -> {{ key_expr }}) = 'number'
            then cast(cast({{ json_text_expr }} as jsonb) ->> {{ key_expr }} as double precision)
    end)
{%- endmacro %}

{#- First capture group of a regular expression (POSIX/RE2 common subset), NULL when it does not match. -#}
{% macro regexp_capture(expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_capture', 'cloudcost')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regexp_capture(expr, pattern) -%}
    nullif(regexp_extract({{ expr }}, '{{ pattern }}', 1), '')
{%- endmacro %}

{% macro postgres__regexp_capture(expr, pattern) -%}
    substring({{ expr }} from '{{ pattern }}')
{%- endmacro %}

{#- Does expr match a regular expression? -#}
{% macro regexp_matches(expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_matches', 'cloudcost')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regexp_matches(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__regexp_matches(expr, pattern) -%}
    ({{ expr }} ~ '{{ pattern }}')
{%- endmacro %}

{#- Stop the statement with a readable message when a row reaches this expression (message_expr is SQL text).
    DuckDB has error(); Postgres has no raise in plain SQL, so the message is cast to an integer and the
    engine's "invalid input syntax" error carries it. The expression is text-typed. -#}
{% macro raise_in_sql(message_expr) -%}
    {{ return(adapter.dispatch('raise_in_sql', 'cloudcost')(message_expr)) }}
{%- endmacro %}

{% macro default__raise_in_sql(message_expr) -%}
    cast(error({{ message_expr }}) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro postgres__raise_in_sql(message_expr) -%}
    cast(cast({{ message_expr }} as integer) as {{ dbt.type_string() }})
{%- endmacro %}
