{#- A DQ rule kept incrementally: a run judges again only the entities of its scope, a select of entity keys from the
    scope layer (models/intermediate/scope), and keeps the exceptions of all others. The stored exceptions of the scope
    are deleted and the rule's new ones appended (macros/incremental_config.sql), so the rule must judge every entity
    of its scope: it filters its input to the same scope model. On Spark the rule is a table, rebuilt each run.

      {{ config(**yibao.dq_rule_incremental_config("select setl_id from {{ ref('int_scope__settlements') }}")) }}
-#}
{% macro dq_rule_incremental_config(scope) -%}
    {{ return(yibao.incremental_config('entity_key', replace_where='entity_key in (' ~ scope ~ ')')) }}
{%- endmacro %}
