-- 定点医药机构: the latest version of each fixmedins_code, as delivered.
with source as (
    select * from {{ source('raw', 'medins') }}
),

versions as (
    select
        source.*,
        row_number() over (partition by fixmedins_code order by _delivery_date desc, _row_number desc) as version_rank
    from source
)

select
    fixmedins_code,
    fixmedins_name,
    fixmedins_type,
    hosp_lv,
    admdvs,
    begndate,
    enddate,
    vali_flag,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at
from versions
where version_rank = 1
