-- One row per region: the city (230800) and its ten county-level units.
select
    admdvs,
    admdvs_name_zh,
    admdvs_name_en,
    parent_admdvs,
    region_level
from {{ ref('region') }}
