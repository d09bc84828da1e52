-- 统计局人口数: the latest version of each admdvs, year, as delivered.
with source as (
    select * from {{ source('raw', 'pop_stat') }}
),

versions as (
    select
        source.*,
        row_number() over (partition by admdvs, year order by _delivery_date desc, _row_number desc) as version_rank
    from source
)

select
    admdvs,
    year,
    hsreg_pop,
    resident_pop,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at
from versions
where version_rank = 1
