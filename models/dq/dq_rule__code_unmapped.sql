-- 代码未映射: a settlement, contribution or enrollment row with a code (med_type, clr_type, insutype, psn_type; hosp_lv
-- and clct_type too) that neither the national code set nor the province's code map knows (DESIGN §2, §6). The row
-- still loads and counts, under 'other' (tier 'none' for hosp_lv), so no money is lost: this names it for the county
-- office to correct or for the code map to learn. One row per row of the extract (its key).
with settlements as (
    select
        setl_id as entity_key,
        insu_admdvs as admdvs,
        {{ dbt.concat([
            "case when insutype = 'other' then " ~ dbt.concat(["'insutype='", "insutype_delivered", "' '"]) ~ " else '' end",
            "case when med_type = 'other' then " ~ dbt.concat(["'med_type='", "med_type_delivered", "' '"]) ~ " else '' end",
            "case when psn_type = 'other' then " ~ dbt.concat(["'psn_type='", "psn_type_delivered", "' '"]) ~ " else '' end",
            "case when clr_type = 'other' then " ~ dbt.concat(["'clr_type='", "clr_type_delivered", "' '"]) ~ " else '' end",
            "case when hosp_lv is not null and hosp_lv not in (select hosp_lv from " ~ ref('hosp_lv') ~ ") then "
                ~ dbt.concat(["'hosp_lv='", "hosp_lv", "' '"]) ~ " else '' end"
        ]) }} as codes
    from {{ ref('stg_setl') }}
),

contributions as (
    select
        clct_id as entity_key,
        insu_admdvs as admdvs,
        {{ dbt.concat([
            "case when insutype = 'other' then " ~ dbt.concat(["'insutype='", "insutype_delivered", "' '"]) ~ " else '' end",
            "case when clct_type not in (select clct_type from " ~ ref('clct_type') ~ ") then "
                ~ dbt.concat(["'clct_type='", "clct_type", "' '"]) ~ " else '' end"
        ]) }} as codes
    from {{ ref('stg_clct') }}
),

enrollments as (
    select
        psn_insu_rlts_id as entity_key,
        insu_admdvs as admdvs,
        {{ dbt.concat([
            "case when insutype = 'other' then " ~ dbt.concat(["'insutype='", "insutype_delivered", "' '"]) ~ " else '' end",
            "case when psn_type = 'other' then " ~ dbt.concat(["'psn_type='", "psn_type_delivered", "' '"]) ~ " else '' end"
        ]) }} as codes
    from {{ ref('stg_psn_insu') }}
),

found as (
    select
        entity_key,
        admdvs,
        codes
    from settlements
    union all
    select
        entity_key,
        admdvs,
        codes
    from contributions
    union all
    select
        entity_key,
        admdvs,
        codes
    from enrollments
)

select
    'code_unmapped' as rule_id,
    admdvs,
    entity_key,
    {{ dbt.concat(["'代码未映射（按其他计入）：'", "trim(codes)"]) }} as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from found
where codes <> ''
