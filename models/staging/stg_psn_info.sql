-- 人员基本信息: the latest version of each psn_no, as delivered.
{{ config(**yibao.incremental_config('psn_no')) }}

with latest as (
    {{ latest_version(source('raw', 'psn_info'), ['psn_no'], yibao.latest_first(), since_last_run=true) }}
)

select
    psn_no,
    {{ person_key('certno', 'psn_no') }} as person_key,
    {{ person_id(person_key('certno', 'psn_no')) }} as person_id,
    {{ mask_certno('certno') }} as certno_masked,
    psn_cert_type,
    certno,
    psn_name,
    gend,
    naty,
    brdy,
    hsreg_admdvs,
    surv_stas,
    updt_time,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at,
    {{ yibao.written_at() }} as _written_at
from latest
