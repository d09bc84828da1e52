-- grain: one annual fund plan (年度基金收支计划) per county x fund_type x year
-- planned income is the sum of planned contributions (征缴计划) and planned fiscal subsidies (财政补助计划), DESIGN §2
select
    admdvs,
    fund_type,
    year,
    planned_contribution_income,
    planned_subsidy_income,
    cast(planned_contribution_income + planned_subsidy_income as decimal(18, 2)) as planned_income,
    planned_expenditure
from {{ ref('stg_fund_plan') }}
