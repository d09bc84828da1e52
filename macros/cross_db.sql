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

{#- A string of hexadecimal digits (at most 15, so it fits a signed 64-bit integer) as a bigint. -#}
{% macro hex_to_bigint(expr) -%}
    {{ return(adapter.dispatch('hex_to_bigint', 'yibao')(expr)) }}
{%- endmacro %}

{% macro default__hex_to_bigint(expr) -%}
    cast(conv({{ expr }}, 16, 10) as bigint)
{%- endmacro %}

{% macro duckdb__hex_to_bigint(expr) -%}
    cast(('0x' || {{ expr }}) as bigint)
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

{#- A text cell of a seed, null where the CSV cell is empty. DuckDB loads an empty cell as null; dbt-spark's
    session method binds it as the string 'None' (dbt/adapters/spark/session.py, _fix_binding). -#}
{% macro seed_text(column) -%}
    nullif(nullif({{ column }}, ''), 'None')
{%- endmacro %}

{#- A CTE the database must compute once, before the query that uses it: `touched as {{ yibao.cte_computed_once() }} (...)`
    (DuckDB's `as materialized` hint; nothing to do with dbt's materializations). DuckDB otherwise moves a small CTE's
    filter above a large range join; Spark has no such keyword. -#}
{% macro cte_computed_once() -%}
    {{ return(adapter.dispatch('cte_computed_once', 'yibao')()) }}
{%- endmacro %}

{% macro default__cte_computed_once() -%}
{%- endmacro %}

{% macro duckdb__cte_computed_once() -%}
    materialized
{%- endmacro %}
