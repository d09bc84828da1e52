-- 重点人群名册: the latest version of each roster_id, as delivered.
with latest as (
    {{ latest_version(source('raw', 'kpop_roster'), ['roster_id'], '_delivery_date desc, _row_number desc') }}
)

select
    roster_id,
    {{ person_key('certno', 'roster_id') }} as person_key,
    {{ person_id(person_key('certno', 'roster_id')) }} as person_id,
    {{ mask_certno('certno') }} as certno_masked,
    certno,
    psn_name,
    psn_idet_type,
    admdvs,
    begndate,
    enddate,
    src_dept,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at
from latest
