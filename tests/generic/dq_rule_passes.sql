{#- A DESIGN §6 rule as a test: it fails (or warns, by its severity) when the rule model finds any
    exception, and with store_failures the exceptions are kept in the dq schema. -#}
{% test dq_rule_passes(model) %}
select rule_id, admdvs, entity_key, detail
from {{ model }}
{% endtest %}
