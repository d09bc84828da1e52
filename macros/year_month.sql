{#- True when a text is a month as the platform writes it, YYYYMM (费款所属期): a year 1900-2199 and a month 01-12. -#}
{% macro is_year_month(expr) -%}
    {{ yibao.regex_full_match(expr, '(19|20|21)[0-9]{2}(0[1-9]|1[0-2])') }}
{%- endmacro %}
