-- Every exception every rule finds now (DESIGN §6), one row per rule and entity, before history is attached.
{% set rules = ['dup_enrollment_cross_scheme', 'dup_enrollment_cross_county', 'one_person_one_number',
                'one_person_one_card', 'certno_invalid', 'setl_without_enrollment', 'setl_arithmetic',
                'setl_unknown_medins', 'setl_orphan_reversal', 'setl_benefit_mismatch', 'kpop_not_enrolled', 'clct_unknown_person',
                'ledger_outside_pool', 'plan_missing', 'code_unmapped', 'ledger_identity', 'quarantined',
                'deceased_still_enrolled'] %}
with unattributed as (
    select admdvs from {{ ref('int_region__unattributed') }}
),

found as (
    {% for rule in rules %}
    select
        rule_id,
        admdvs,
        entity_key,
        detail,
        certno_masked
    from {{ ref('dq_rule__' ~ rule) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    found.rule_id,
    rules.severity,
    coalesce(found.admdvs, unattributed.admdvs) as admdvs,
    found.entity_key,
    min(found.detail) as detail,
    min(found.certno_masked) as certno_masked
from found
inner join {{ ref('dq_rule') }} as rules
    on found.rule_id = rules.rule_id
cross join unattributed
group by found.rule_id, rules.severity, coalesce(found.admdvs, unattributed.admdvs), found.entity_key
