-- Settlements at an institution not in medins, or not valid (vali_flag, begndate..enddate) on the settlement day.
with settlements as (
    select
        setl_id,
        insu_admdvs,
        fixmedins_code,
        setl_date
    from {{ ref('fct_settlement') }}
    where is_valid
),

judged as (
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
from judged
where problem is not null
