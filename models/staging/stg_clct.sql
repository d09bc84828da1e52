-- 征缴明细: the latest version of each clct_id, as delivered.
-- A view: the latest version of every key, ranked afresh from raw on each read. A table here was a second copy
-- of the city's widest extract, written in full by every full build (fct_contribution is the copy the warehouse
-- reads); a nightly's fact reads only the keys its delivery touched, through the same ranking
-- (macros/latest_version.sql, latest_of_keys). docs/PERFORMANCE.md, issue 14, eleventh part.
{{ config(materialized='view') }}

with latest as (
    {{ latest_version(source('raw', 'clct'), ['clct_id'], yibao.latest_first()) }}
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
from latest
