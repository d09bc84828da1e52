{#- The condition that keeps a scope model's rows (models/intermediate/scope): true in an incremental run; false in a
    --full-refresh run, which judges everything and reads no scope, so the scope is left empty. A unit test of a scope
    model overrides it with 'true'. -#}
{% macro scope_filled() -%}
{{ 'false' if flags.FULL_REFRESH else 'true' }}
{%- endmacro %}
