-- One row per person number (psn_no): the county the person's data-quality exceptions are sent to,
-- the insu_admdvs of their 310/390 enrollment with the latest start (ties: larger psn_insu_rlts_id).
-- Incremental: a run takes again the numbers of int_scope__numbers, which holds every number an enrollment record
-- loaded since the last complete run is or was under (a record re-sent under another number changes both). Their
-- stored rows are replaced, so a number left without a 310/390 enrollment loses its row.
{{ config(**yibao.incremental_config(
    'psn_no', replace_where="psn_no in (select psn_no from {{ ref('int_scope__numbers') }})"
)) }}
-- depends_on: {{ ref('int_scope__numbers') }} (the scope, read by an incremental run only)

with ranked as (
    select
        psn_no,
        insu_admdvs,
        psn_insu_rlts_id,
        row_number() over (partition by psn_no order by span_start desc, psn_insu_rlts_id desc) as rank_in_person
    from {{ ref('fct_enrollment_span') }}
    where insutype in ('310', '390')
    {%- if is_incremental() %}
        and psn_no in (select psn_no from {{ ref('int_scope__numbers') }})
    {%- endif %}
)

select
    psn_no,
    insu_admdvs as admdvs,
    psn_insu_rlts_id
from ranked
where rank_in_person = 1
