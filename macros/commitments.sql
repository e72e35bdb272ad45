{#- Commitments (reserved instances and Savings Plans): small helpers shared by the commitment models.
    Engine differences are dispatched (duckdb__ / postgres__ / default__). -#}

{#- Seconds since the Unix epoch of a timestamp, as a double. -#}
{% macro epoch_seconds(timestamp_expr) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'cloudcost')(timestamp_expr)) }}
{%- endmacro %}

{% macro default__epoch_seconds(timestamp_expr) -%}
    cast(extract(epoch from {{ timestamp_expr }}) as double precision)
{%- endmacro %}

{% macro duckdb__epoch_seconds(timestamp_expr) -%}
    cast(epoch({{ timestamp_expr }}) as double)
{%- endmacro %}

{#- Hours (fractional) from one timestamp to another; negative when the second is earlier. -#}
{% macro hours_between(start_expr, end_expr) -%}
    (({{ epoch_seconds(end_expr) }} - {{ epoch_seconds(start_expr) }}) / 3600.0)
{%- endmacro %}

{#- Hours two half-open intervals [a_start, a_end) and [b_start, b_end) have in common (0 when apart). -#}
{% macro overlap_hours(a_start, a_end, b_start, b_end) -%}
    greatest(
        0,
        {{ hours_between(
            'greatest(' ~ a_start ~ ', ' ~ b_start ~ ')',
            'least(' ~ a_end ~ ', ' ~ b_end ~ ')'
        ) }}
    )
{%- endmacro %}

{#- Whole numbers 0 … upper_bound - 1 in a column named `number_in_series` (a query, for a CTE). -#}
{% macro number_series(upper_bound) -%}
    {{ return(adapter.dispatch('number_series', 'cloudcost')(upper_bound)) }}
{%- endmacro %}

{% macro default__number_series(upper_bound) -%}
    select cast(numbers.number_in_series as integer) as number_in_series
    from generate_series(0, {{ upper_bound }} - 1) as numbers (number_in_series)
{%- endmacro %}

{% macro duckdb__number_series(upper_bound) -%}
    select cast(numbers.range as integer) as number_in_series
    from range({{ upper_bound }}) as numbers
{%- endmacro %}

{#- 1 for a fee row of a commitment's latest billing period, whose attributes (term, payment option, end) are the
    commitment's (int_commitments); fees_alias is a relation of int_commitment_fees rows. -#}
{% macro commitment_period_rank(fees_alias) -%}
    row_number() over (partition by {{ fees_alias }}.commitment_id order by {{ fees_alias }}.billing_period desc)
{%- endmacro %}

{#- A commitment term written as `1yr`, `3yr`, `1 year`, `3 Years` … as whole years (NULL when unreadable). -#}
{% macro term_in_years(term_expr) -%}
    cast({{ regexp_capture('lower(' ~ term_expr ~ ')', '^ *([0-9]+) *(?:yr|year|years)? *$') }} as integer)
{%- endmacro %}

{#- The platform a commitment is bought for: EC2 operating system (with pre-installed software when there is
    some), RDS database engine (with its licence model), ElastiCache cache engine. -#}
{% macro commitment_platform(relation_alias) -%}
    case
        when {{ relation_alias }}.service_code = 'AmazonEC2'
            then
                coalesce(nullif({{ relation_alias }}.operating_system, ''), 'Linux')
                || case
                    when coalesce(nullif({{ relation_alias }}.pre_installed_software, ''), 'NA') <> 'NA'
                        then ' with ' || {{ relation_alias }}.pre_installed_software
                    else ''
                end
        when {{ relation_alias }}.service_code = 'AmazonRDS'
            then
                coalesce(nullif({{ relation_alias }}.database_engine, ''), 'unknown engine')
                || case
                    when {{ relation_alias }}.license_model = 'License included' then ' (license included)'
                    else ''
                end
        when {{ relation_alias }}.service_code = 'AmazonElastiCache'
            then coalesce(nullif({{ relation_alias }}.cache_engine, ''), 'unknown engine')
    end
{%- endmacro %}

{#- Can one reservation cover any size of the family (size flexibility)? EC2: regional Linux/UNIX reservations
    with shared tenancy and no pre-installed software; RDS: every engine except licence-included ones;
    ElastiCache: reserved nodes are size-flexible within a family; OpenSearch and Redshift: no. -#}
{% macro is_size_flexible_usage(relation_alias) -%}
    case
        when {{ relation_alias }}.service_code = 'AmazonEC2'
            then
                coalesce(nullif({{ relation_alias }}.operating_system, ''), 'Linux') = 'Linux'
                and coalesce(nullif({{ relation_alias }}.tenancy, ''), 'Shared') = 'Shared'
                and coalesce(nullif({{ relation_alias }}.pre_installed_software, ''), 'NA') = 'NA'
        when {{ relation_alias }}.service_code = 'AmazonRDS'
            then coalesce({{ relation_alias }}.license_model, '') <> 'License included'
        when {{ relation_alias }}.service_code = 'AmazonElastiCache' then true
        else false
    end
{%- endmacro %}

{#- What makes reservations interchangeable, as one readable text key:
    service|region|family|instance type ('*' when size-flexible)|platform|tenancy|deployment.
    The arguments are SQL expressions. -#}
{% macro commitment_group_key(
    service_expr, region_expr, family_expr, instance_type_expr, platform_expr, tenancy_expr, deployment_expr,
    size_flexible_expr
) -%}
    {{ service_expr }}
    || '|' || coalesce({{ region_expr }}, '*')
    || '|' || coalesce({{ family_expr }}, '*')
    || '|' || case when {{ size_flexible_expr }} then '*' else coalesce({{ instance_type_expr }}, '*') end
    || '|' || coalesce({{ platform_expr }}, '*')
    || '|' || coalesce({{ tenancy_expr }}, '*')
    || '|' || case when {{ size_flexible_expr }} then '*' else coalesce({{ deployment_expr }}, '*') end
{%- endmacro %}

{#- Hours in a month as AWS prices commitments (730); monthly figures are per-hour figures × this. -#}
{% macro hours_per_month() -%}
    {{ return(730) }}
{%- endmacro %}

{#- EC2 platform from the operation code of a line (RIFee lines carry no operating system):
    RunInstances = Linux/UNIX, :0002 Windows, :0010 RHEL, :000g SUSE, :0006/:0102/:0202 Windows with SQL
    Server Standard/Enterprise/Web, :0800 Windows BYOL. NULL for anything else. -#}
{% macro ec2_platform_from_operation(operation_expr) -%}
    case {{ operation_expr }}
        when 'RunInstances' then 'Linux'
        when 'RunInstances:0002' then 'Windows'
        when 'RunInstances:0010' then 'RHEL'
        when 'RunInstances:000g' then 'SUSE'
        when 'RunInstances:0006' then 'Windows with SQL Std'
        when 'RunInstances:0102' then 'Windows with SQL Ent'
        when 'RunInstances:0202' then 'Windows with SQL Web'
        when 'RunInstances:0800' then 'Windows BYOL'
    end
{%- endmacro %}

{#- A share (coverage, utilization, target, rate ratio) lies between 0 and 1, within a tolerance
    (default var commitment_tie_tolerance). NULL passes. Failing rows show the value. -#}
{% test commitment_share_between_0_and_1(model, column_name, tolerance=none) %}
{%- set tolerance = tolerance if tolerance is not none else var('commitment_tie_tolerance') -%}

select
    {{ column_name }} as failing_value
from {{ model }}
where {{ column_name }} < -{{ tolerance }} or {{ column_name }} > 1 + {{ tolerance }}

{% endtest %}

{#- A number as text with a fixed number of decimals, the same on every engine (for descriptions). -#}
{% macro number_to_text(number_expr, decimals) -%}
    {{ return(adapter.dispatch('number_to_text', 'cloudcost')(number_expr, decimals)) }}
{%- endmacro %}

{% macro default__number_to_text(number_expr, decimals) -%}
    to_char(
        round(cast({{ number_expr }} as numeric), {{ decimals }}),
        'FM999999999999990{{ "." ~ "0" * decimals if decimals > 0 else "" }}'
    )
{%- endmacro %}

{% macro duckdb__number_to_text(number_expr, decimals) -%}
    printf('%.{{ decimals }}f', cast({{ number_expr }} as double))
{%- endmacro %}

{#- Statement for a post-hook that refreshes the planner statistics of the model just built. Postgres plans the
    next models with them; without them it guesses row counts in the thousands for one-row tables, and a
    cross join of guesses looks costly enough to switch on JIT compilation, which then costs seconds per
    query. Engines that keep statistics themselves get an empty statement. -#}
{% macro refresh_planner_statistics(relation) -%}
    {{ return(adapter.dispatch('refresh_planner_statistics', 'cloudcost')(relation)) }}
{%- endmacro %}

{% macro default__refresh_planner_statistics(relation) -%}
{%- endmacro %}

{% macro postgres__refresh_planner_statistics(relation) -%}
    analyze {{ relation }}
{%- endmacro %}

{#- Can Savings Plans cover this service's usage (var `savings_plan_eligible_service_codes`)? Kept out of the
    incremental line tables so a change of the var reaches every month on the next build. -#}
{% macro is_sp_eligible_service(service_expr) -%}
    ({{ service_expr }} in (
        {%- for service_code in var('savings_plan_eligible_service_codes') -%}
            '{{ service_code }}'{{ ", " if not loop.last }}
        {%- endfor -%}
    ))
{%- endmacro %}
