-- One row per region in the data: each pooling area (city) the enrollment extract names,
-- and its county-level units (seeds/region.csv holds the province's codes; cities not delivered stay out).
with pooling_areas as (
    select distinct poolarea_no as admdvs from {{ ref('stg_psn_insu') }}
),

regions as (
    select * from {{ ref('region') }}
)

select
    regions.admdvs,
    regions.admdvs_name_zh,
    regions.admdvs_name_en,
    regions.parent_admdvs,
    regions.region_level,
    regions.county_kind,
    -- only a county-level code books to a unit; a city's empty cell is no unit on any engine (Spark's seed loader
    -- reads an empty text cell as the text 'None')
    case when regions.region_level = 'county' then regions.accounting_unit end as accounting_unit
from regions
where regions.admdvs in (select admdvs from pooling_areas)
    or regions.parent_admdvs in (select admdvs from pooling_areas)
