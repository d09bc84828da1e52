-- Contribution lines (clct_id) this run judges again: those loaded since the last complete run, and every line of a
-- number whose person record was loaded since (its person_id can change, or the number become known).
{{ config(materialized='table') }}


-- a --full-refresh run judges everything, and no model reads the scope: it is left empty
select *
from (
    with run as (
        select loaded_since from {{ ref('int_scope__run') }}
    )

    select clct_id from {{ ref('stg_clct__versions') }}
    where _loaded_at > (select loaded_since from run)
    union
    select versions.clct_id
    from {{ ref('stg_clct__versions') }} as versions
    where versions.psn_no in (
            select persons.psn_no from {{ ref('stg_psn_info') }} as persons
            where persons._loaded_at > (select loaded_since from run)
        )
) as scope
where {{ scope_filled() }}
