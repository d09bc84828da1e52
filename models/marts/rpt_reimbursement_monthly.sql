-- Reimbursement (待遇享受) per county, scheme, medical-type group, hospital tier, care area and month, plus city rows.
-- care_area splits care in the pool (local) from out-of-area care (异地就医, in_province and out_of_province), so each
-- has its own ratios; the insured person's county carries both (DESIGN §4).
-- Money is net of reversals in the month each row is booked; counts exclude reversed originals and reversals.
{% set money = ['medfee_sumamt', 'inscp_scp_amt', 'hifp_pay', 'hifob_pay', 'hifmi_pay', 'cvlserv_pay', 'maf_pay',
                'fund_pay_sumamt', 'acct_pay', 'psn_cash_pay'] %}
with months as (
    select month_end from {{ ref('int_calendar__months') }}
),

counties as (
    select admdvs from {{ ref('dim_region') }}
    where region_level = 'county'
),

schemes as (
    select insutype from {{ ref('dim_insutype') }}
    where insutype in ('310', '390', '510')
),

med_groups as (
    select distinct med_group from {{ ref('dim_med_type') }}
    union
    select 'other'
),

tiers as (
    select distinct hosp_tier from {{ ref('hosp_lv') }}
),

care_areas as (
    select 'local' as care_area
    union all
    select 'in_province'
    union all
    select 'out_of_province'
),

cells as (
    select
        insu_admdvs as admdvs,
        insutype,
        med_group,
        hosp_tier,
        care_area,
        month_end,
        settlements,
        persons,
        {% for m in money %}
        {{ m }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('int_settlement__cells') }}
),

insured as (
    select
        month_end,
        insu_admdvs as admdvs,
        insutype,
        count(*) as insured_persons
    from {{ ref('fct_person_month') }}
    where counted
    group by month_end, insu_admdvs, insutype
),

county_rows as (
    select
        counties.admdvs,
        schemes.insutype,
        med_groups.med_group,
        tiers.hosp_tier,
        care_areas.care_area,
        months.month_end,
        coalesce(cells.settlements, 0) as settlements,
        coalesce(cells.persons, 0) as persons,
        {% for m in money %}
        coalesce(cells.{{ m }}, 0) as {{ m }},
        {% endfor %}
        coalesce(insured.insured_persons, 0) as insured_persons
    from months
    cross join counties
    cross join schemes
    cross join med_groups
    cross join tiers
    cross join care_areas
    left join cells
        on counties.admdvs = cells.admdvs
            and schemes.insutype = cells.insutype
            and med_groups.med_group = cells.med_group
            and tiers.hosp_tier = cells.hosp_tier
            and care_areas.care_area = cells.care_area
            and months.month_end = cells.month_end
    -- maternity (510) is merged with employee insurance: its insured base is the employees
    left join insured
        on counties.admdvs = insured.admdvs
            and months.month_end = insured.month_end
            and insured.insutype = case when schemes.insutype = '510' then '310' else schemes.insutype end
),

city_rows as (
    select
        regions.parent_admdvs as admdvs,
        insutype,
        med_group,
        hosp_tier,
        care_area,
        month_end,
        sum(settlements) as settlements,
        sum(persons) as persons,
        {% for m in money %}
        sum({{ m }}) as {{ m }},
        {% endfor %}
        sum(insured_persons) as insured_persons
    from county_rows
    inner join {{ ref('dim_region') }} as regions
        on county_rows.admdvs = regions.admdvs
    group by regions.parent_admdvs, insutype, med_group, hosp_tier, care_area, month_end
),

all_rows as (
    select * from county_rows
    union all
    select * from city_rows
),

measured as (
    select
        all_rows.*,
        all_rows.hifp_pay + all_rows.hifob_pay + all_rows.hifmi_pay + all_rows.cvlserv_pay as insurance_fund_pay
    from all_rows
)

select
    cast(admdvs as {{ dbt.type_string() }}) as admdvs,
    cast(insutype as {{ dbt.type_string() }}) as insutype,
    cast(med_group as {{ dbt.type_string() }}) as med_group,
    cast(hosp_tier as {{ dbt.type_string() }}) as hosp_tier,
    cast(care_area as {{ dbt.type_string() }}) as care_area,
    month_end,
    cast(settlements as bigint) as settlements,
    cast(persons as bigint) as persons,
    {% for m in money %}
    cast({{ m }} as decimal(18, 2)) as {{ m }},
    {% endfor %}
    cast(insurance_fund_pay as decimal(18, 2)) as insurance_fund_pay,
    cast(insurance_fund_pay as double) / nullif(cast(inscp_scp_amt as double), 0) as policy_scope_ratio,
    cast(insurance_fund_pay as double) / nullif(cast(medfee_sumamt as double), 0) as actual_ratio,
    cast(insurance_fund_pay + maf_pay as double) / nullif(cast(medfee_sumamt as double), 0) as three_tier_ratio,
    cast(medfee_sumamt as double) / nullif(settlements, 0) as avg_cost_per_settlement,
    cast(insured_persons as bigint) as insured_persons,
    100.0 * cast(settlements as double) / nullif(insured_persons, 0) as settlements_per_100_insured,
    calendar.is_complete
from measured
inner join (
    select
        month_end as calendar_month_end,
        is_complete
    from {{ ref('int_calendar__months') }}
) as calendar
    on measured.month_end = calendar.calendar_month_end
