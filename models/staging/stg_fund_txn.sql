-- 财政专户收支: the latest version of each txn_id, as delivered.
with latest as (
    {{ latest_version(source('raw', 'fund_txn'), ['txn_id'], '_delivery_date desc, _row_number desc') }}
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
from latest
