-- 人员基本信息: the latest version of each psn_no, as delivered.
with source as (
    select * from {{ source('raw', 'psn_info') }}
),

versions as (
    select
        source.*,
        row_number() over (partition by psn_no order by updt_time desc, _delivery_date desc, _row_number desc) as version_rank
    from source
)

select
    psn_no,
    {{ person_key('certno', 'psn_no') }} as person_key,
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
    _loaded_at
from versions
where version_rank = 1
