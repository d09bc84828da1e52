-- One row per designated institution (定点医药机构), with its tier and validity period.
with medins as (
    select * from {{ ref('stg_medins') }}
),

levels as (
    select hosp_lv, hosp_tier from {{ ref('hosp_lv') }}
)

select
    medins.fixmedins_code,
    medins.fixmedins_name,
    medins.fixmedins_type,
    medins.hosp_lv,
    coalesce(levels.hosp_tier, 'none') as hosp_tier,
    medins.admdvs,
    medins.begndate,
    medins.enddate,
    medins.vali_flag = '1' as is_valid
from medins
left join levels
    on medins.hosp_lv = levels.hosp_lv
