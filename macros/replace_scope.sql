{#- The replace_scope incremental strategy, for a model where a new delivery can remove rows as well as change them
    (a person whose enrollment is stopped back-dated loses person-months). delete+insert on a key cannot do that: it
    only deletes the keys its new rows carry.

    In an incremental run the model's select returns its new rows and, for each scope it rebuilds, one scope row.
    A scope row leaves row_column null and sets one scope column: (person_id = 42) means "every stored row of person
    42", (month_end = 2025-03-31) "every stored row of March". A new row sets row_column, and lies within one of the
    scopes the run returns. The strategy deletes every stored row in a scope, then inserts the new rows.
    Configure it with yibao.incremental_config(..., scope_columns=[...], row_column=...), and make the scope rows with
    replace_scope_rows below. -#}
{% macro get_incremental_replace_scope_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set new_rows = arg_dict['temp_relation'] -%}
    {%- set row_column = config.get('row_column') -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    where
    {%- for column in config.get('scope_columns') %}
        {{ column }} in (select {{ column }} from {{ new_rows }} where {{ row_column }} is null){% if not loop.last %} or{% endif %}
    {%- endfor %};

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ new_rows }}
    where {{ row_column }} is not null
{%- endmacro %}


{#- The scope rows for one scope: scope_column from each row of `relation`, every other of the model's `columns` null
    (their types come from the model's new rows, which the scope rows follow in a union all). -#}
{% macro replace_scope_rows(columns, scope_column, relation) -%}
select
    {%- for column in columns %}
    {{ column if column == scope_column else 'null' }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from {{ relation }}
{%- endmacro %}
