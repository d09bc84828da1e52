-- 定点医药机构: the latest version of each fixmedins_code, as delivered.
with latest as (
    {{ latest_version(source('raw', 'medins'), ['fixmedins_code'], '_delivery_date desc, _row_number desc') }}
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
from latest
