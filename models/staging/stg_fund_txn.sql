-- 财政专户收支: the latest version of each txn_id, as delivered.
with source as (
    select * from {{ source('raw', 'fund_txn') }}
),

versions as (
    select
        source.*,
        row_number() over (partition by txn_id order by _delivery_date desc, _row_number desc) as version_rank
    from source
)

select
    txn_id,
    insu_admdvs,
    fund_type,
    txn_type,
    amount,
    txn_date,
    memo,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at
from versions
where version_rank = 1
