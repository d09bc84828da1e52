{#- The rows of `relation` where `condition` holds, every column: for a few rows of a big, wide table.
    DuckDB reads every column of every row before it joins a condition's subquery (`setl_id in (select ...)`):
    at 2 M persons, 11.5 M settlements of 40 columns for the 55 k a nightly touches. So on DuckDB the rows are
    found first on the condition's own columns, and then only they are read, by rowid: 0.83 -> 0.28 s for
    stg_setl's nightly select (docs/PERFORMANCE.md). Elsewhere a plain filter. `condition` names the table's
    columns unqualified. -#}
{% macro rows_where(relation, condition) -%}
    {{ return(adapter.dispatch('rows_where', 'yibao')(relation, condition)) }}
{%- endmacro %}

{% macro default__rows_where(relation, condition) -%}
select * from {{ relation }} where {{ condition }}
{%- endmacro %}

{% macro duckdb__rows_where(relation, condition) -%}
select * from {{ relation }}
where rowid in (select rowid from {{ relation }} where {{ condition }})
{%- endmacro %}
