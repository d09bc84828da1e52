-- grain: one enrollment record (psn_insu_rlts_id) that can cover days: person x scheme x county x [span_start, span_end)
-- span_end is exclusive and null while open; rows with status 0 or 3 never cover a day and are left out (DESIGN §4)
with enrollment as (
    select * from {{ ref('stg_psn_insu') }}
),

persons as (
    select
        psn_no,
        person_id,
        _loaded_at
    from {{ ref('stg_psn_info') }}
),

statuses as (
    select psn_insu_stas from {{ ref('psn_insu_stas') }}
    where can_cover
)

select
    enrollment.psn_insu_rlts_id,
    coalesce(persons.person_id, {{ person_id(person_key('null', 'enrollment.psn_no')) }}) as person_id,
    enrollment.psn_no,
    enrollment.insutype,
    enrollment.psn_type,
    substr(enrollment.psn_type, 1, 2) as psn_class,
    enrollment.insu_admdvs,
    enrollment.emp_no,
    enrollment.cvlserv_flag,
    enrollment.psn_insu_stas,
    enrollment.psn_insu_date as span_start,
    enrollment.paus_insu_date as span_end,
    -- the later of the enrollment's and the person's load: a new person record can change the span's person_id
    greatest(enrollment._loaded_at, persons._loaded_at) as _loaded_at  -- greatest skips a null person load
from enrollment
inner join statuses
    on enrollment.psn_insu_stas = statuses.psn_insu_stas
left join persons
    on enrollment.psn_no = persons.psn_no
where enrollment.paus_insu_date is null
    or enrollment.paus_insu_date > enrollment.psn_insu_date
