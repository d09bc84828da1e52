{#- GB 11643-1999 check character of an 18-character ID number, computed from its first 17 digits:
    sum(digit_i * W_i) mod 11 -> '10X98765432'. Portable SQL: substr, cast and arithmetic only. -#}
{% macro gb11643_check_char(certno) -%}
    {%- set weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] -%}
    substr('10X98765432', cast((
        {%- for w in weights %}
        {{ dbt.safe_cast("substr(" ~ certno ~ ", " ~ loop.index ~ ", 1)", api.Column.translate_type("integer")) }} * {{ w }}{{ " +" if not loop.last }}
        {%- endfor %}
    ) % 11 as integer) + 1, 1)
{%- endmacro %}

{#- YYYYMMDD text of a date, to compare with the birth-date digits of an ID number. -#}
{% macro yyyymmdd(date_expr) -%}
    cast(extract(year from {{ date_expr }}) * 10000 + extract(month from {{ date_expr }}) * 100
         + extract(day from {{ date_expr }}) as {{ dbt.type_string() }})
{%- endmacro %}
