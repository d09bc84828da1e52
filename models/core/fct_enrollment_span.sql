-- grain: one enrollment record (psn_insu_rlts_id) that can cover days: person x scheme x county x [span_start, span_end)
-- span_end is exclusive and null while open; rows with status 0 or 3 never cover a day and are left out (DESIGN §4)
-- Incremental: a run takes again the enrollment records of int_scope__enrollments (loaded since the last complete run,
-- or of a number whose person record was: it can change their person_id). Their stored rows are replaced, so a record
-- that no longer covers a day (a stop to status 0 or 3, or an end moved back to its start) leaves the table.
{{ config(**yibao.incremental_config(
    'psn_insu_rlts_id',
    replace_where="psn_insu_rlts_id in (select psn_insu_rlts_id from {{ ref('int_scope__enrollments') }})"
)) }}
-- depends_on: {{ ref('int_scope__enrollments') }} (the scope, read by an incremental run only)

with enrollment as (
    select * from {{ ref('stg_psn_insu') }}
    {%- if is_incremental() %}
    where psn_insu_rlts_id in (select psn_insu_rlts_id from {{ ref('int_scope__enrollments') }})
    {%- endif %}
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
    greatest(enrollment._loaded_at, persons._loaded_at) as _loaded_at,  -- greatest skips a null person load
    {{ yibao.written_at() }} as _written_at
from enrollment
inner join statuses
    on enrollment.psn_insu_stas = statuses.psn_insu_stas
left join persons
    on enrollment.psn_no = persons.psn_no
where enrollment.paus_insu_date is null
    or enrollment.paus_insu_date > enrollment.psn_insu_date
