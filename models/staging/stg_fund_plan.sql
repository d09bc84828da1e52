-- 年度基金收支计划: the latest version of each admdvs, fund_type, year, as delivered.
with source as (
    select * from {{ source('raw', 'fund_plan') }}
),

versions as (
    select
        source.*,
        row_number() over (partition by admdvs, fund_type, year order by _delivery_date desc, _row_number desc) as version_rank
    from source
)

select
    admdvs,
    fund_type,
    year,
    planned_income,
    planned_expenditure,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at
from versions
where version_rank = 1
