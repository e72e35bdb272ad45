{#- The one convention for "as of" dates set from the command line: a var holding a date written YYYY-MM-DD, or
    empty (unset, '' or none) for the model's own default. Returns the date as a string, '' when empty; any
    other value stops the run with the var's name. Used by the allocation scenarios (mapping_change_from_date,
    mapping_change_to_date), the commitment analyses (commitment_as_of_date) and the forecasts (as_of_date). -#}
{% macro date_var(name) -%}
    {%- set value = (var(name, '') or '') | string | trim -%}
    {%- if value == 'None' -%}
        {%- set value = '' -%}
    {%- endif -%}
    {%- if value and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must be a date written YYYY-MM-DD (or empty), not '" ~ value ~ "'"
        ) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}
