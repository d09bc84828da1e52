-- grain: one annual fund plan (年度基金收支计划) per accounting unit x fund_type x year
-- A plan delivered for a code of a unit (the unit's own code, or a district of the city unit) counts for that unit;
-- where the city merged maternity into the employee scheme, a 510100 plan counts for 310100 (DESIGN §4).
-- Planned income is planned contributions (征缴计划) plus planned fiscal subsidies (财政补助计划), DESIGN §2; the subsidy
-- by level is null where a plan was delivered without it.
with plans as (
    select
        coalesce(regions.accounting_unit, plans.admdvs) as admdvs,
        case when plans.fund_type = '510100' and settings.maternity_merged then '310100' else plans.fund_type
        end as fund_type,
        plans.year,
        plans.planned_contribution_income,
        plans.planned_subsidy_income,
        plans.planned_subsidy_central,
        plans.planned_subsidy_provincial,
        plans.planned_subsidy_city,
        plans.planned_subsidy_county,
        plans.planned_expenditure
    from {{ ref('stg_fund_plan') }} as plans
    left join {{ ref('dim_region') }} as regions
        on plans.admdvs = regions.admdvs
    left join {{ ref('city_setting') }} as settings
        on regions.parent_admdvs = settings.admdvs
)

select
    admdvs,
    fund_type,
    year,
    cast(sum(planned_contribution_income) as decimal(18, 2)) as planned_contribution_income,
    cast(sum(planned_subsidy_income) as decimal(18, 2)) as planned_subsidy_income,
    cast(sum(planned_subsidy_central) as decimal(18, 2)) as planned_subsidy_central,
    cast(sum(planned_subsidy_provincial) as decimal(18, 2)) as planned_subsidy_provincial,
    cast(sum(planned_subsidy_city) as decimal(18, 2)) as planned_subsidy_city,
    cast(sum(planned_subsidy_county) as decimal(18, 2)) as planned_subsidy_county,
    cast(sum(planned_contribution_income + planned_subsidy_income) as decimal(18, 2)) as planned_income,
    cast(sum(planned_expenditure) as decimal(18, 2)) as planned_expenditure
from plans
group by admdvs, fund_type, year
