-- Settlements at an institution not in medins, or not valid (vali_flag, begndate..enddate) on the settlement day.
-- Incremental (replace_scope on entity_key = setl_id): a nightly run judges the settlement rows loaded since the last
-- run, and every settlement at an institution whose record was delivered since; the others' exceptions are kept.
{{ config(**yibao.dq_rule_incremental_config(['fct_settlement'], raw_sources=['medins'])) }}

with judged as {{ yibao.materialized() if is_incremental() }} (
    select
        setl_id,
        insu_admdvs,
        fixmedins_code,
        setl_date,
        is_valid
    from {{ ref('fct_settlement') }}
    {%- if is_incremental() %}
    where _loaded_at > {{ yibao.loaded_through() }}
        or fixmedins_code in (
            select delivered.fixmedins_code from {{ source('raw', 'medins') }} as delivered
            where delivered._loaded_at > {{ yibao.loaded_through() }}
        )
    {%- endif %}
),
{%- if is_incremental() %}

scope as (
    select setl_id as entity_key from judged
),
{%- endif %}

settlements as (
    select
        setl_id,
        insu_admdvs,
        fixmedins_code,
        setl_date
    from judged
    where is_valid
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
{{ yibao.dq_rule_scope_rows() }}
