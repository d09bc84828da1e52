-- The open data-quality exceptions (数据质量问题清单): one row per rule and entity found on this run,
-- with the county it belongs to, a masked ID where a person is involved, and when it was first seen.
select
    current_exceptions.rule_id,
    rules.rule_name_zh,
    rules.rule_name_en,
    current_exceptions.severity,
    current_exceptions.admdvs,
    current_exceptions.entity_key,
    current_exceptions.detail,
    current_exceptions.certno_masked,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as detected_at,
    seen.first_seen
from {{ ref('int_dq__exceptions') }} as current_exceptions
inner join {{ ref('dq_rule') }} as rules
    on current_exceptions.rule_id = rules.rule_id
left join {{ ref('dq_exception_first_seen') }} as seen
    on current_exceptions.rule_id = seen.rule_id
        and current_exceptions.entity_key = seen.entity_key
