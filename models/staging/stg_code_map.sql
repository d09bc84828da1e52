-- 代码映射: how a delivered code (med_type, clr_type, insutype, psn_type) maps to a national code, one row per
-- column × code × kind of match (DESIGN §2 Code sets). Exact matches come first, then prefix matches (the first two
-- characters; three for insutype). A province's own map (seeds/code_map.csv, the rows of the seeded province) wins
-- over the national set: it may re-point a national code (391, merged into 390). A code that nothing maps is
-- loaded as 'other' by staging and reported as code_unmapped.
with province as (
    select admdvs as province
    from {{ ref('region') }}
    where region_level = 'province'
),

mapped as (
    select
        code_map.code_column,
        code_map.code,
        code_map.match = 'prefix' as is_prefix,
        code_map.national_code,
        case when code_map.province = 'national' then 2 else 1 end as precedence
    from {{ ref('code_map') }} as code_map
    where code_map.province = 'national' or code_map.province in (select province from province)
),

national as (
    select
        'med_type' as code_column,
        med_type as code,
        med_type as national_code  -- a national code maps to itself
    from {{ ref('med_type') }}
    union all
    select
        'clr_type' as code_column,
        clr_type as code,
        clr_type as national_code
    from {{ ref('clr_type') }}
    union all
    select
        'insutype' as code_column,
        insutype as code,
        insutype as national_code
    from {{ ref('insutype') }}
    union all
    select
        'psn_type' as code_column,
        psn_type as code,
        psn_type as national_code
    from {{ ref('psn_type') }}
),

candidates as (
    select
        code_column,
        code,
        is_prefix,
        national_code,
        precedence
    from mapped
    union all
    select
        code_column,
        code,
        false,
        national_code,
        3
    from national
),

ranked as (
    select
        code_column,
        code,
        is_prefix,
        national_code,
        row_number() over (partition by code_column, code, is_prefix order by precedence) as rank_in_code
    from candidates
)

select
    code_column,
    code,
    is_prefix,
    national_code
from ranked
where rank_in_code = 1
