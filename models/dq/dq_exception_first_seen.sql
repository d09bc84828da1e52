-- When each exception (rule x entity) was first detected: new ones are added on each run, old ones kept.
{{ config(**yibao.incremental_config(['rule_id', 'entity_key'], on_parquet='append')) }}

select distinct
    current_exceptions.rule_id,
    current_exceptions.entity_key,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as first_seen
from {{ ref('int_dq__exceptions') }} as current_exceptions
{% if is_incremental() %}
left join {{ this }} as seen
    on current_exceptions.rule_id = seen.rule_id
   and current_exceptions.entity_key = seen.entity_key
where seen.rule_id is null
{% endif %}
