-- One row per designated institution (定点医药机构), with its tier, its benefit band (DESIGN §3: price class from
-- the tier, city or county level from the kind of county-level unit it is in) and its validity period.
with medins as (
    select * from {{ ref('stg_medins') }}
),

levels as (
    select
        hosp_lv,
        hosp_tier
    from {{ ref('hosp_lv') }}
),

regions as (
    select
        admdvs,
        county_kind
    from {{ ref('region') }}
)

select
    medins.fixmedins_code,
    medins.fixmedins_name,
    medins.fixmedins_type,
    medins.hosp_lv,
    coalesce(levels.hosp_tier, 'none') as hosp_tier,
    medins.admdvs,
    {{ benefit_band("coalesce(levels.hosp_tier, 'none')", 'regions.county_kind') }} as benefit_band,
    medins.begndate,
    medins.enddate,
    medins.vali_flag = '1' as is_valid
from medins
left join levels
    on medins.hosp_lv = levels.hosp_lv
left join regions
    on medins.admdvs = regions.admdvs
