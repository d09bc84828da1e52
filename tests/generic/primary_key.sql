{#- One row per value of `column_name`, and none null: the unique and not_null tests in one scan. For a view, whose
    every test runs its whole query again, one scan instead of two (int_person__current at 2 M persons: 2.0-2.7 s
    against 4.2 s for the two; docs/PERFORMANCE.md). -#}
{% test primary_key(model, column_name) %}
select
    {{ column_name }},
    count(*) as n_rows
from {{ model }}
group by {{ column_name }}
having count(*) > 1 or {{ column_name }} is null
{% endtest %}
