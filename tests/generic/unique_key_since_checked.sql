{#- Primary-key test for the big incremental tables: no two rows share the values of `columns`. After it has passed
    once, it checks only the keys of rows written since (their _written_at), each against every row of the table;
    macros/checked_through.sql says why that misses no duplicate. The model needs the column _written_at. -#}
{#- When the run wrote a quarter of the table or more (a --full-refresh of an existing warehouse), joining those keys
    back to the table costs far more than grouping every row: then the whole table is checked (docs/PERFORMANCE.md). -#}
{% test unique_key_since_checked(model, columns) %}
{%- set since = yibao.checked_through_unless_most_written(model, columns) %}
{%- if since is none %}
{{ test_unique_combination_of_columns(model, columns) }}
{%- else %}
-- keys of the rows written since the last pass, at {{ since }}
with written as (
    select distinct {{ columns | join(', ') }}
    from {{ model }}
    where _written_at > {{ yibao.timestamp_literal(since) }}
)

select
    {%- for column in columns %}
    stored.{{ column }},
    {%- endfor %}
    count(*) as n_rows
from {{ model }} as stored
inner join written
    on {% for column in columns %}stored.{{ column }} = written.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
group by {% for column in columns %}stored.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
having count(*) > 1
{%- endif %}
{% endtest %}
