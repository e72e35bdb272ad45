{#- Macros of the finance models (reconciliation, restatements, unit cost). Engine differences go through
    adapter.dispatch (duckdb__ / postgres__ / default__). -#}

{#- The body of a staging CTE reading one finance raw table: `select * from` the table when it has been
    loaded, otherwise an empty result with the table's columns (types from the source's `data_type`), so
    a warehouse without finance files still builds (reconciliation then shows the CUR side only). -#}
{% macro finance_source_select(table_name) -%}
    {%- set relation = source('finance', table_name) -%}
    {%- if execute and load_relation(relation) is none -%}
        {%- set node = graph.sources['source.' ~ project_name ~ '.finance.' ~ table_name] -%}
        select
        {%- for column in node.columns.values() %}
            cast(null as {{ finance_column_type(column.data_type) }}) as {{ column.name }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
        where 1 = 0
    {%- else -%}
        select * from {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- SQL type of a finance raw column from its `data_type` (varchar, double, date, timestamp, bigint). -#}
{% macro finance_column_type(data_type) -%}
    {{ return(adapter.dispatch('finance_column_type', 'cloudcost')(data_type)) }}
{%- endmacro %}

{% macro default__finance_column_type(data_type) -%}
    {{ data_type }}
{%- endmacro %}

{% macro postgres__finance_column_type(data_type) -%}
    {{ 'double precision' if data_type == 'double' else data_type }}
{%- endmacro %}

{#- The day the close calendar is read as of: var `finance_as_of_date` (YYYY-MM-DD) when set, else today. -#}
{% macro finance_as_of_date() -%}
    {%- if var('finance_as_of_date', '') -%}
        cast('{{ var("finance_as_of_date") }}' as date)
    {%- else -%}
        current_date
    {%- endif -%}
{%- endmacro %}

{#- A month date moved by a whole number of months, as a date on both engines. -#}
{% macro finance_add_months(date_expr, months) -%}
    cast({{ dbt.dateadd('month', months, date_expr) }} as date)
{%- endmacro %}

{#- A billing period (first day of a month) as text, YYYY-MM. -#}
{% macro period_label(date_expr) -%}
    {{ return(adapter.dispatch('period_label', 'cloudcost')(date_expr)) }}
{%- endmacro %}

{% macro default__period_label(date_expr) -%}
    strftime({{ date_expr }}, '%Y-%m')
{%- endmacro %}

{% macro postgres__period_label(date_expr) -%}
    to_char({{ date_expr }}, 'YYYY-MM')
{%- endmacro %}

{#- An amount as text with two decimals (for explanations; the amounts themselves stay unrounded). -#}
{% macro money_text(expr) -%}
    cast(cast({{ expr }} as decimal(38, 2)) as {{ dbt.type_string() }})
{%- endmacro %}

{#- Is a difference within the tolerance? Exactly at the tolerance is within. Amounts are doubles (0.01 is
    not exact in binary), so a millionth of a currency unit of slack keeps "exactly at" exact. -#}
{% macro within_tolerance(difference_expr, tolerance_expr) -%}
    (abs({{ difference_expr }}) <= {{ tolerance_expr }} + 0.000001)
{%- endmacro %}

{#- The tolerance used where the tolerance seed names no row for a billing entity. -#}
{% macro default_reconciliation_tolerance() -%}
    {{ var('reconciliation_default_tolerance', 0.01) }}
{%- endmacro %}

{#- Is the line's service a support plan (var support_service_codes)? Support is shared cost for unit costs. -#}
{% macro is_support_service(service_code_expr) -%}
    {%- set support_service_codes = var('support_service_codes', []) -%}
    {%- if support_service_codes -%}
        ({{ service_code_expr }} in (
            {%- for service_code in support_service_codes -%}
                '{{ service_code }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        ))
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}
