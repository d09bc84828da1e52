-- The 漏保 list: key-group roster lines valid on the as-of date whose person has no active 310 or 390
-- enrollment on that date. Masked ID only; the county offices follow up each line.
with as_of as (
    select
        month_end,
        as_of_date
    from {{ ref('int_calendar__months') }}
    where period_end = as_of_date
),

roster as (
    select roster.*
    from {{ ref('int_kpop__roster_lines') }} as roster
    cross join as_of
    where roster.begndate <= as_of.as_of_date
        and (roster.enddate is null or as_of.as_of_date <= roster.enddate)
),

enrolled as (
    select person_month.person_id
    from {{ ref('fct_person_month') }} as person_month
    inner join as_of
        on person_month.month_end = as_of.month_end
)

select
    roster.roster_id,
    roster.certno_masked,
    roster.psn_idet_type,
    roster.psn_idet_type_name_zh,
    roster.admdvs,
    roster.src_dept,
    roster.begndate,
    as_of.as_of_date
from roster
cross join as_of
where roster.person_id not in (select person_id from enrolled)
