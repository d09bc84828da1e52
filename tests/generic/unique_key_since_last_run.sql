{#- Primary-key test for the big incremental tables: no two rows share the values of `columns`. It checks the keys of
    the rows written since the last complete run (_written_at after int_scope__run.written_since), each against every
    row of the table. A duplicate pair has a row written by some run; every run up to the last complete one passed its
    tests, and a run whose test fails does not advance the clock (macros/build_watermark.sql), so its rows stay in
    scope. A --full-refresh run checks the whole table: grouping every row is cheaper than joining every key back.
    The model needs the column _written_at. -#}
{% test unique_key_since_last_run(model, columns) %}
-- depends_on: {{ ref('int_scope__run') }} (the clock, read unless the run is a --full-refresh)
{%- if flags.FULL_REFRESH %}
{{ test_unique_combination_of_columns(model, columns) }}
{%- else %}
with written as (
    select distinct {{ columns | join(', ') }}
    from {{ model }}
    where _written_at > (select written_since from {{ ref('int_scope__run') }})
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
