-- 征缴明细: the latest version of each clct_id, as delivered.
with source as (
    select * from {{ source('raw', 'clct') }}
),

versions as (
    select
        source.*,
        row_number() over (partition by clct_id order by updt_time desc, _delivery_date desc, _row_number desc) as version_rank
    from source
)

select
    clct_id,
    psn_no,
    emp_no,
    insutype,
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
    _file,
    _delivery_date,
    _row_number,
    _loaded_at
from versions
where version_rank = 1
