-- The compact person_id (60 bits of person_key) must name one person only: a row here is two pseudonyms that share
-- one person_id, which would merge two persons in every fact. A null person_id shared by many pseudonyms means a
-- warehouse built before person_id existed: its incremental models kept their old rows; run
-- `yibao build --full-refresh` once.
with keys as (
    select
        person_id,
        person_key
    from {{ ref('stg_psn_info') }}
    union
    select
        person_id,
        person_key
    from {{ ref('stg_kpop_roster') }}
)

select
    person_id,
    count(distinct person_key) as persons
from keys
group by person_id
having count(distinct person_key) > 1
