-- Settlements at an institution not in medins, or not valid (vali_flag, begndate..enddate) on the settlement day.
-- Out-of-area care (care_area other than local) is at an institution of another area's list, never an unknown one.
-- Incremental: a run judges the settlements of int_scope__settlements, which holds every settlement at an institution
-- whose record was delivered since the last complete run; the others' exceptions are kept.
{{ config(**yibao.dq_rule_incremental_config("select setl_id from {{ ref('int_scope__settlements') }}")) }}
-- depends_on: {{ ref('int_scope__settlements') }} (the scope, read by an incremental run only)

with judged as (
    select
        setl_id,
        insu_admdvs,
        fixmedins_code,
        setl_date,
        care_area,
        is_valid
    from {{ ref('fct_settlement') }}
    {%- if is_incremental() %}
    where setl_id in (select setl_id from {{ ref('int_scope__settlements') }})
    {%- endif %}
),

settlements as (
    select
        setl_id,
        insu_admdvs,
        fixmedins_code,
        setl_date
    from judged
    where is_valid
        and care_area = 'local'
),

checked as (
    select
        settlements.*,
        case
            when medins.fixmedins_code is null then '机构不在定点名单中'
            when not medins.is_valid then '机构已标记为无效'
            when settlements.setl_date < medins.begndate then '结算早于机构定点开始日期'
            when medins.enddate is not null and settlements.setl_date > medins.enddate
                then '结算晚于机构定点结束日期'
        end as problem
    from settlements
    left join {{ ref('dim_medins') }} as medins
        on settlements.fixmedins_code = medins.fixmedins_code
)

select
    'setl_unknown_medins' as rule_id,
    insu_admdvs as admdvs,
    setl_id as entity_key,
    {{ dbt.concat(["fixmedins_code", "': '", "problem"]) }} as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from checked
where problem is not null
