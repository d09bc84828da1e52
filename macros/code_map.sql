{#- Codes by map (DESIGN §2 Code sets): a delivered code becomes its national code through stg_code_map, exact
    match first, then the prefix. code_map_joins() adds the two lookups of one column to a staging model's FROM;
    mapped_code() is the national code it gives, 'other' when nothing maps (dq rule code_unmapped), null for null. -#}
{% macro code_map_joins(column, prefix_length=2, relation='latest') -%}
left join {{ ref('stg_code_map') }} as {{ column }}_exact
    on {{ column }}_exact.code_column = '{{ column }}'
    and not {{ column }}_exact.is_prefix
    and {{ column }}_exact.code = {{ relation }}.{{ column }}
left join {{ ref('stg_code_map') }} as {{ column }}_prefix
    on {{ column }}_prefix.code_column = '{{ column }}'
    and {{ column }}_prefix.is_prefix
    and {{ column }}_prefix.code = substr({{ relation }}.{{ column }}, 1, {{ prefix_length }})
{%- endmacro %}

{% macro mapped_code(column, relation='latest') -%}
coalesce(
    {{ column }}_exact.national_code,
    {{ column }}_prefix.national_code,
    case when {{ relation }}.{{ column }} is not null then 'other' end
)
{%- endmacro %}
