-- 征缴明细: the latest version of each clct_id, as delivered.
{{ config(**yibao.incremental_config('clct_id')) }}

with latest as (
    {{ latest_version(source('raw', 'clct'), ['clct_id'], yibao.latest_first(), since_last_run=true) }}
)

select
    clct_id,
    psn_no,
    emp_no,
    {{ yibao.mapped_code('insutype') }} as insutype,
    latest.insutype as insutype_delivered,
    insu_admdvs,
    accrual_ym,
    clct_type,
    clct_base,
    clct_rate,
    clct_amt,
    acct_crdt_amt,
    arvl_date,
    revs_flag,
    updt_time,
    accrual_ym_end,
    clct_flag,
    psn_insu_rlts_id,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at,
    {{ yibao.written_at() }} as _written_at
from latest
{{ yibao.code_map_joins('insutype', 3) }}
