-- The data-quality rules (数据质量规则) with their Chinese explanations, for dashboards and correction lists.
select
    rule_id,
    severity,
    rule_name_zh,
    rule_name_en,
    explanation_zh,
    action_zh,
    entity_key_kind
from {{ ref('dq_rule') }}
