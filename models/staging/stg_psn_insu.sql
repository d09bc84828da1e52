-- 人员参保信息: the latest version of each psn_insu_rlts_id, as delivered.
{{ config(**yibao.incremental_config('psn_insu_rlts_id')) }}

with latest as (
    {{ latest_version(source('raw', 'psn_insu'), ['psn_insu_rlts_id'], yibao.latest_first(), since_last_run=true) }}
)

select
    psn_insu_rlts_id,
    psn_no,
    {{ yibao.mapped_code('insutype') }} as insutype,
    latest.insutype as insutype_delivered,
    {{ yibao.mapped_code('psn_type') }} as psn_type,
    latest.psn_type as psn_type_delivered,
    psn_insu_stas,
    psn_insu_date,
    paus_insu_date,
    insu_admdvs,
    poolarea_no,
    emp_no,
    cvlserv_flag,
    flxempe_flag,
    updt_time,
    first_insu_date,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at,
    {{ yibao.written_at() }} as _written_at
from latest
{{ yibao.code_map_joins('insutype', 3) }}
{{ yibao.code_map_joins('psn_type') }}
