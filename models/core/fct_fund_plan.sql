-- grain: one annual fund plan (年度基金收支计划) per county x fund_type x year
select
    admdvs,
    fund_type,
    year,
    planned_income,
    planned_expenditure
from {{ ref('stg_fund_plan') }}
