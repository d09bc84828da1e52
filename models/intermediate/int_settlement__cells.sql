-- grain: one insured county (insu_admdvs) x scheme (insutype) x medical-type group x hospital tier x care area
-- (care_area: local, in_province, out_of_province) x month (month_end) with at least one valid settlement: the valid settlements' counts, distinct persons and money, net of reversals in
-- the month each row is booked (rpt_reimbursement_monthly adds the empty cells and the city rows).
-- Incremental: a run rebuilds the months of int_scope__settlement_months, the months of every version of a settlement
-- it judges again (so a settlement re-dated into another month changes both); the distinct count of persons, most of
-- the mart's cost (2 s of CPU at 2 M persons), is then taken over those months only.
{% set money = ['medfee_sumamt', 'inscp_scp_amt', 'hifp_pay', 'hifob_pay', 'hifmi_pay', 'cvlserv_pay', 'maf_pay',
                'fund_pay_sumamt', 'acct_pay', 'psn_cash_pay'] %}
{{ config(**yibao.incremental_config(
    ['insu_admdvs', 'insutype', 'med_group', 'hosp_tier', 'care_area', 'month_end'],
    replace_where="month_end in (select month_end from {{ ref('int_scope__settlement_months') }})"
)) }}
-- depends_on: {{ ref('int_scope__settlement_months') }} (the scope, read by an incremental run only)

with settlements as (
    select * from {{ ref('fct_settlement') }}
    where is_valid
    {%- if is_incremental() %}
        and month_end in (select month_end from {{ ref('int_scope__settlement_months') }})
    {%- endif %}
),

cells as (
    select
        insu_admdvs,
        insutype,
        med_group,
        hosp_tier,
        care_area,
        month_end,
        sum(case when is_counted then 1 else 0 end) as settlements,
        count(distinct case when is_counted then person_id end) as persons,
        {% for m in money %}
        sum({{ m }}) as {{ m }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from settlements
    group by insu_admdvs, insutype, med_group, hosp_tier, care_area, month_end
)

select
    cast(cells.insu_admdvs as {{ dbt.type_string() }}) as insu_admdvs,
    cast(cells.insutype as {{ dbt.type_string() }}) as insutype,
    cast(cells.med_group as {{ dbt.type_string() }}) as med_group,
    cast(cells.hosp_tier as {{ dbt.type_string() }}) as hosp_tier,
    cast(cells.care_area as {{ dbt.type_string() }}) as care_area,
    cells.month_end,
    cast(cells.settlements as bigint) as settlements,
    cast(cells.persons as bigint) as persons,
    {% for m in money %}
    cast(cells.{{ m }} as decimal(18, 2)) as {{ m }}{% if not loop.last %},{% endif %}
    {% endfor %}
from cells
