{#- Engine-specific SQL lives here, behind adapter.dispatch; models stay portable. -#}

{% macro sha256_hex(expr) -%}
    {{ return(adapter.dispatch('sha256_hex', 'yibao')(expr)) }}
{%- endmacro %}

{% macro default__sha256_hex(expr) -%}
    sha2({{ expr }}, 256)
{%- endmacro %}

{% macro duckdb__sha256_hex(expr) -%}
    sha256({{ expr }})
{%- endmacro %}

{#- A month-end date n months after January 2000 (n = 0, 1, ...). -#}
{% macro month_end_from_index(n) -%}
    cast({{ dbt.last_day(dbt.dateadd('month', n, "cast('2000-01-01' as date)"), 'month') }} as date)
{%- endmacro %}

{#- True when the whole string matches the regular expression. -#}
{% macro regex_full_match(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'yibao')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(expr, pattern) -%}
    ({{ expr }} rlike '^{{ pattern }}$')
{%- endmacro %}

{% macro duckdb__regex_full_match(expr, pattern) -%}
    regexp_full_match({{ expr }}, '{{ pattern }}')
{%- endmacro %}
