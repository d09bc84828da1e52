-- Settlements (setl_id) this run judges again:
-- - those loaded since the last complete run;
-- - the originals any version of a loaded reversal names, and the reversals that name a loaded settlement (an
--   original's is_reversed, and a reversal's orphan status, can change either way);
-- - every settlement of a number of int_scope__numbers (its person_id or covering enrollment can change);
-- - every settlement at an institution whose record was delivered since (its validity can change).
{{ config(materialized='table') }}


-- a --full-refresh run judges everything, and no model reads the scope: it is left empty
select *
from (
    with run as (
        select loaded_since from {{ ref('int_scope__run') }}
    ),

    loaded as (
        select setl_id from {{ ref('stg_setl__versions') }}
        where _loaded_at > (select loaded_since from run)
    )

    select setl_id from loaded
    union
    select versions.init_setl_id
    from {{ ref('stg_setl__versions') }} as versions
    where versions.setl_id in (select setl_id from loaded)
        and versions.refd_setl_flag = '1'
        and versions.init_setl_id is not null
    union
    select versions.setl_id
    from {{ ref('stg_setl__versions') }} as versions
    where versions.refd_setl_flag = '1'
        and versions.init_setl_id in (select setl_id from loaded)
    union
    select versions.setl_id
    from {{ ref('stg_setl__versions') }} as versions
    where versions.psn_no in (select psn_no from {{ ref('int_scope__numbers') }})
    union
    select versions.setl_id
    from {{ ref('stg_setl__versions') }} as versions
    where versions.fixmedins_code in (
            select medins.fixmedins_code from {{ ref('stg_medins') }} as medins
            where medins._loaded_at > (select loaded_since from run)
        )
) as scope
where {{ scope_filled() }}
