{#- Use the configured schema name as it is, without dbt's target-schema prefix,
    so the warehouse has exactly the schemas raw, staging, core, marts, dq and ops. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
