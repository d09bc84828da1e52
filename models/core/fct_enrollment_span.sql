-- grain: one enrollment record (psn_insu_rlts_id) that can cover days: person x scheme x county x [span_start, span_end)
-- span_end is exclusive and null while open; rows with status 0 or 3 never cover a day and are left out (DESIGN §4)
-- Incremental (replace_scope on psn_insu_rlts_id): a nightly run takes again the enrollment records loaded since the
-- last run, and those of a psn_no whose person record was (it can change their person_id). A record that no longer
-- covers a day (a stop to status 0 or 3, or an end moved back to its start) leaves the table through its scope row.
{{ config(**yibao.incremental_config(
    'psn_insu_rlts_id', scope_columns=['psn_insu_rlts_id'], row_column='person_id'
)) }}
with
{%- if is_incremental() %}
-- the stored watermark: the latest enrollment or person load this table has taken (all of them while it is empty)
stored as (
    select coalesce(max(_loaded_at), cast('1900-01-01' as {{ dbt.type_timestamp() }})) as loaded_through
    from {{ this }}
),

touched_persons as (
    select psn_no from {{ ref('stg_psn_info') }}
    where _loaded_at > (select loaded_through from stored)
),

enrollment as {{ yibao.materialized() }} (
    select * from {{ ref('stg_psn_insu') }}
    where _loaded_at > (select loaded_through from stored)
        or psn_no in (select psn_no from touched_persons)
),
{%- else %}
enrollment as (
    select * from {{ ref('stg_psn_insu') }}
),
{%- endif %}

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
{%- set columns = ['psn_insu_rlts_id', 'person_id', 'psn_no', 'insutype', 'psn_type', 'psn_class', 'insu_admdvs',
                   'emp_no', 'cvlserv_flag', 'psn_insu_stas', 'span_start', 'span_end', '_loaded_at',
                   '_written_at'] %}

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
{%- if is_incremental() %}
-- the scopes this run replaces (macros/replace_scope.sql): every record taken again, covering or not
union all
{{ yibao.replace_scope_rows(columns, 'psn_insu_rlts_id', 'enrollment') }}
{%- endif %}
