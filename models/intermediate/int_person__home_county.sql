-- One row per person number (psn_no): the county the person's data-quality exceptions are sent to,
-- the insu_admdvs of their 310/390 enrollment with the latest start (ties: larger psn_insu_rlts_id).
with ranked as (
    select
        psn_no,
        insu_admdvs,
        row_number() over (partition by psn_no order by span_start desc, psn_insu_rlts_id desc) as rank_in_person
    from {{ ref('fct_enrollment_span') }}
    where insutype in ('310', '390')
)

select
    psn_no,
    insu_admdvs as admdvs
from ranked
where rank_in_person = 1
