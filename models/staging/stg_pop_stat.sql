-- 统计局人口数: the latest version of each admdvs, year, as delivered.
with latest as (
    {{ latest_version(source('raw', 'pop_stat'), ['admdvs', 'year'], '_delivery_date desc, _row_number desc') }}
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
from latest
