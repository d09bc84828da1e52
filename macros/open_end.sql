{#- An enrollment span's exclusive end, with an open span (null end) as a date after any real one: for overlap
    tests that compare ends without a null case. -#}
{% macro open_end(column) -%}
coalesce({{ column }}, cast('9999-12-31' as date))
{%- endmacro %}
