-- 待遇核查: an original inpatient settlement of 310 or 390 whose hifp_pay differs by more than 1 yuan from what the
-- unified policy pays (fct_benefit_audit, DESIGN §5), with expected and actual amounts and the part that differs:
-- the deductible (起付线), the ratio (支付比例) or the annual cap (封顶线); or whose 大病 second tier (hifmi_pay) differs
-- from its segments (critical_illness).
select
    'setl_benefit_mismatch' as rule_id,
    audit.insu_admdvs as admdvs,
    audit.setl_id as entity_key,
    case when audit.mismatch_part = 'critical_illness' then {{ dbt.concat([
        "'大病保险分段支付不符合统一政策；应付 '", "cast(audit.expected_hifmi_pay as " ~ dbt.type_string() ~ ")",
        "' 元，实付 '", "cast(audit.hifmi_pay as " ~ dbt.type_string() ~ ")",
        "' 元，差额 '", "cast(audit.hifmi_pay_difference as " ~ dbt.type_string() ~ ")", "' 元'"]) }}
        else {{ dbt.concat([
        "case audit.mismatch_part"
        ~ " when 'deductible' then '起付线不符合统一政策（应为 ' || cast(audit.expected_deductible as " ~ dbt.type_string() ~ ") || ' 元，实付 ' || cast(audit.act_pay_dedc as " ~ dbt.type_string() ~ ") || ' 元）'"
        ~ " when 'ratio' then '支付比例不符合统一政策（应为 ' || cast(audit.expected_ratio as " ~ dbt.type_string() ~ ") || '）'"
        ~ " when 'cap' then '超过年度最高支付限额（剩余额度 ' || cast(audit.cap_room as " ~ dbt.type_string() ~ ") || ' 元）'"
        ~ " else '统筹支付金额与按政策计算不符' end",
        "'；应付 '", "cast(audit.expected_hifp_pay as " ~ dbt.type_string() ~ ")",
        "' 元，实付 '", "cast(audit.hifp_pay as " ~ dbt.type_string() ~ ")",
        "' 元，差额 '", "cast(audit.hifp_pay_difference as " ~ dbt.type_string() ~ ")", "' 元'"]) }}
    end as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from {{ ref('fct_benefit_audit') }} as audit
where audit.is_mismatch
