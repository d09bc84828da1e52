-- grain: one enrollment spell (参保区间): psn_insu_rlts_id x spell_no, as person x scheme x county x [span_start, span_end)
-- span_end is exclusive and null while open; spells whose status never covers a day (0 and 3 by default, seeds/
-- psn_insu_stas.csv) are left out. The platform rewrites one row per person x scheme at each pause and re-enrolment,
-- so the spells come from every delivered version (DESIGN §4 Active enrollment): in delivery order, a version opens a
-- new spell when its start differs from the previous version's and the previous version was paused on or before that
-- start; otherwise it corrects the spell it follows. A spell takes its last version.
-- Incremental: a run takes again the enrollment records of int_scope__enrollments (loaded since the last complete run,
-- or of a number whose person record was: it can change their person_id). Their stored rows are replaced, so a record
-- that no longer covers a day (a stop to status 0 or 3, or an end moved back to its start) leaves the table.
{{ config(**yibao.incremental_config(
    'psn_insu_rlts_id',
    replace_where="psn_insu_rlts_id in (select psn_insu_rlts_id from {{ ref('int_scope__enrollments') }})"
)) }}
-- depends_on: {{ ref('int_scope__enrollments') }} (the scope, read by an incremental run only)

with versions as (
    select
        *,
        row_number() over (
            partition by psn_insu_rlts_id order by updt_time, _delivery_date, _row_number
        ) as version_no,
        max(_loaded_at) over (partition by psn_insu_rlts_id) as record_loaded_at
    from {{ ref('stg_psn_insu__versions') }}
    {%- if is_incremental() %}
    where psn_insu_rlts_id in (select psn_insu_rlts_id from {{ ref('int_scope__enrollments') }})
    {%- endif %}
),

opened as (
    select
        *,
        case
            when lag(psn_insu_date) over (partition by psn_insu_rlts_id order by version_no) <> psn_insu_date
                and lag(paus_insu_date) over (partition by psn_insu_rlts_id order by version_no) <= psn_insu_date
                then 1
            else 0
        end as opens_spell
    from versions
),

numbered as (
    select
        *,
        1 + sum(opens_spell) over (
            partition by psn_insu_rlts_id order by version_no rows between unbounded preceding and current row
        ) as spell_no
    from opened
),

-- each spell as its last version says
enrollment as (
    select *
    from (
        select
            *,
            row_number() over (partition by psn_insu_rlts_id, spell_no order by version_no desc) as rank_in_spell
        from numbered
    ) as ranked
    where rank_in_spell = 1
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
    enrollment.spell_no,
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
    greatest(enrollment.record_loaded_at, persons._loaded_at) as _loaded_at,  -- greatest skips a null person load
    {{ yibao.written_at() }} as _written_at
from enrollment
inner join statuses
    on enrollment.psn_insu_stas = statuses.psn_insu_stas
left join persons
    on enrollment.psn_no = persons.psn_no
where enrollment.paus_insu_date is null
    or enrollment.paus_insu_date > enrollment.psn_insu_date
