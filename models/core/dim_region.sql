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
    regions.accounting_unit
from regions
where regions.admdvs in (select admdvs from pooling_areas)
    or regions.parent_admdvs in (select admdvs from pooling_areas)
