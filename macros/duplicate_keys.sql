{#- The values of `columns` that more than one row of `relation` shares, with their row count: the body of the key
    tests. On DuckDB the rows are grouped first on a 64-bit hash of the key, and only keys whose hash more than one
    row shares are grouped on the key itself. Two rows with one key share its hash, so no duplicate is missed; a
    hash clash between different keys only sends them to the exact check. Grouping 11.5 M settlement ids took 1.7 s
    that way against 1.1 s this way, 23 M person-months 3.0 against 2.1 s (docs/PERFORMANCE.md). -#}
{% macro duplicate_keys(relation, columns) -%}
    {{ return(adapter.dispatch('duplicate_keys', 'yibao')(relation, columns)) }}
{%- endmacro %}

{% macro default__duplicate_keys(relation, columns) -%}
select {{ columns | join(', ') }}, count(*) as n_rows
from {{ relation }}
group by {{ columns | join(', ') }}
having count(*) > 1
{%- endmacro %}

{% macro duckdb__duplicate_keys(relation, columns) -%}
with clashes as (
    select hash({{ columns | join(', ') }}) as key_hash
    from {{ relation }}
    group by hash({{ columns | join(', ') }})
    having count(*) > 1
)

select {{ columns | join(', ') }}, count(*) as n_rows
from {{ relation }}
where hash({{ columns | join(', ') }}) in (select key_hash from clashes)
group by {{ columns | join(', ') }}
having count(*) > 1
{%- endmacro %}
