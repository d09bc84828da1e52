{#- primary_key over the rows of the persons, keys or months this run judges again: `scope`, a scope model
    (int_scope__*), names them in its column `scope_column`, the model's column of the same name. For a view whose
    whole computation costs seconds a night (int_person__current) and whose other rows the run cannot change. A
    --full-refresh run (a changed model) checks every row. -#}
{% test primary_key_in_scope(model, column_name, scope, scope_column) %}
select
    {{ column_name }},
    count(*) as n_rows
from {{ model }}
{%- if not flags.FULL_REFRESH %}
where {{ scope_column }} in (select {{ scope_column }} from {{ scope }})
{%- endif %}
group by {{ column_name }}
having count(*) > 1 or {{ column_name }} is null
{% endtest %}
