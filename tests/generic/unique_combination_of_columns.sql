{#- Primary-key test for a compound key: no two rows share the same values of `columns` (macros/duplicate_keys.sql). -#}
{% test unique_combination_of_columns(model, columns) %}
{{ yibao.duplicate_keys(model, columns) }}
{% endtest %}
