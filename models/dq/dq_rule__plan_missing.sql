-- 缺少年度基金收支计划: a county x pooled fund x complete year with no fund plan, so its revenue-plan completion and
-- its annual settlement of responsibility cannot be computed (DESIGN §4 step 5). Judged on the annual settlement.
select
    'plan_missing' as rule_id,
    admdvs,
    {{ dbt.concat(["admdvs", "'|'", "fund_type", "'|'", "cast(year as " ~ dbt.type_string() ~ ")"]) }} as entity_key,
    {{ dbt.concat(["cast(year as " ~ dbt.type_string() ~ ")", "' 年度 '", "fund_type",
                   "' 基金无年度收支计划，未做责任分担决算'"]) }} as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from {{ ref('rpt_fund_annual_settlement') }}
where status = 'plan_missing'
    and admdvs in (
        select admdvs from {{ ref('dim_region') }}
        where region_level = 'county'
    )
