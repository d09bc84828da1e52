{#- The start of the dbt run, as a timestamp: every row an incremental model writes carries it as _written_at, and the
    key tests check the rows written since the last complete run (tests/generic/unique_key_since_last_run.sql). -#}
{% macro written_at() -%}
    {{ return(dbt.cast(dbt.string_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')),
                       api.Column.translate_type('timestamp')) | trim) }}
{%- endmacro %}
