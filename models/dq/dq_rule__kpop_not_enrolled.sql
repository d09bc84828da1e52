-- 漏保: key-group roster lines valid on the as-of date whose person has no covering 310/390 enrollment then.
-- The list itself is the mart rpt_kpop_uninsured; this rule reports each line.
select
    'kpop_not_enrolled' as rule_id,
    admdvs,
    roster_id as entity_key,
    {{ dbt.concat(["coalesce(psn_idet_type_name_zh, psn_idet_type)", "' 人员未参保，判定日 '", "cast(as_of_date as " ~ dbt.type_string() ~ ")"]) }} as detail,
    certno_masked
from {{ ref('rpt_kpop_uninsured') }}
