-- Person numbers (psn_no) this run judges again: those whose person record or a card was loaded since the last
-- complete run, and every number an enrollment record loaded since is or was under (a record re-sent under another
-- psn_no touches both), and a number with a contribution line loaded since, in any of the line's versions, that is a
-- resident premium (it decides whether the resident counts, fct_person_month) or whose enrollment record has a
-- history no version tells (fct_enrollment_span's paid-contribution spells). And, as the judging day of the current
-- month moves (int_calendar__months' period_end), the numbers whose coverage that can change: an enrollment record
-- that starts or stops, or a resident premium that arrives, after the last complete run's as-of date and by this
-- run's (a day the judging day passed). Every other person's current month stands as stored.
{{ config(materialized='table') }}


-- a --full-refresh run judges everything, and no model reads the scope: it is left empty
select *
from (
    with run as (
        select
            loaded_since,
            as_of_since,
            as_of_date
        from {{ ref('int_scope__run') }}
    )

    select psn_no from {{ ref('stg_psn_info') }}
    where _loaded_at > (select loaded_since from run)
    union
    select psn_no from {{ ref('stg_psn_card') }}
    where _loaded_at > (select loaded_since from run)
    union
    select versions.psn_no
    from {{ ref('stg_psn_insu__versions') }} as versions
    where versions.psn_insu_rlts_id in (
            select loaded.psn_insu_rlts_id from {{ ref('stg_psn_insu__versions') }} as loaded
            where loaded._loaded_at > (select loaded_since from run)
        )
    union
    select psn_no from {{ ref('stg_psn_insu') }}
    where (psn_insu_date > (select as_of_since from run) and psn_insu_date <= (select as_of_date from run))
        or (paus_insu_date > (select as_of_since from run) and paus_insu_date <= (select as_of_date from run))
    union
    select psn_no from {{ ref('stg_clct') }}
    where insutype = '390'
        and arvl_date > (select as_of_since from run) and arvl_date <= (select as_of_date from run)
    union
    select versions.psn_no
    from {{ ref('stg_clct__versions') }} as versions
    where versions.clct_id in (
            select loaded.clct_id from {{ ref('stg_clct__versions') }} as loaded
            where loaded._loaded_at > (select loaded_since from run)
        )
        and (
            substr(versions.insutype, 1, 2) = '39'  -- as delivered: a local resident code maps to 390
            or versions.psn_no in (
                select enrollments.psn_no from {{ ref('stg_psn_insu__versions') }} as enrollments
                where enrollments.first_insu_date < enrollments.psn_insu_date
            )
        )
) as scope
where {{ scope_filled() }}
