-- One row per person number (psn_no): the county the person's data-quality exceptions are sent to,
-- the insu_admdvs of their 310/390 enrollment with the latest start (ties: larger psn_insu_rlts_id).
-- Incremental (replace_scope on psn_no): a nightly run takes again the numbers whose enrollment records were loaded
-- since the last run, and a number whose stored county came from one of those records (a record re-sent under
-- another number). A number left without a 310/390 enrollment loses its row through its scope row.
{{ config(**yibao.incremental_config(
    'psn_no', scope_columns=['psn_no'], row_column='psn_insu_rlts_id', watermark_refs=['stg_psn_insu']
)) }}
-- depends_on: {{ ref('stg_psn_insu') }} (read by an incremental run only)

with
{%- if is_incremental() %}
loaded as (
    select
        psn_insu_rlts_id,
        psn_no
    from {{ ref('stg_psn_insu') }}
    where _loaded_at > {{ yibao.loaded_through() }}
),

numbers_to_judge as (
    select psn_no from loaded
    union
    select stored.psn_no
    from {{ this }} as stored
    inner join loaded
        on stored.psn_insu_rlts_id = loaded.psn_insu_rlts_id
),

{%- endif %}

ranked as (
    select
        psn_no,
        insu_admdvs,
        psn_insu_rlts_id,
        row_number() over (partition by psn_no order by span_start desc, psn_insu_rlts_id desc) as rank_in_person
    from {{ ref('fct_enrollment_span') }}
    where insutype in ('310', '390')
    {%- if is_incremental() %}
        and psn_no in (select psn_no from numbers_to_judge)
    {%- endif %}
)

select
    psn_no,
    insu_admdvs as admdvs,
    psn_insu_rlts_id
from ranked
where rank_in_person = 1
{%- if is_incremental() %}
-- the numbers this run replaces (macros/replace_scope.sql)
union all
{{ yibao.replace_scope_rows(['psn_no', 'admdvs', 'psn_insu_rlts_id'], 'psn_no', 'numbers_to_judge') }}
{%- endif %}
