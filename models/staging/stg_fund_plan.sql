-- 年度基金收支计划: the latest version of each unit (admdvs), fund_type, year, as delivered.
with latest as (
    {{ latest_version(source('raw', 'fund_plan'), ['admdvs', 'fund_type', 'year'], '_delivery_date desc, _row_number desc') }}
)

select
    admdvs,
    fund_type,
    year,
    planned_contribution_income,
    planned_subsidy_income,
    planned_subsidy_central,
    planned_subsidy_provincial,
    planned_subsidy_city,
    planned_subsidy_county,
    planned_expenditure,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at
from latest
